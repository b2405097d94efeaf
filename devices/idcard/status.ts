/**
 * SW3 status codes of the SAM protocol, each with a stable error code, an English description for
 * logs and APIs, and (in the renderer's catalogue, `device.errors.<code>`) the words for people; an unknown status
 * says its number (`sw3` param).
 */
export interface SamStatusInfo {
  sw3: number;
  code: string;
  description: string;
}

const table: SamStatusInfo[] = [
  { sw3: 0x90, code: 'OK', description: 'success' },
  { sw3: 0x91, code: 'NO_CONTENT', description: 'this item has no content on the card' },
  { sw3: 0x9f, code: 'CARD_FOUND', description: 'find card success' },
  { sw3: 0x10, code: 'HOST_CHECKSUM_ERROR', description: 'reader received a frame with a bad checksum' },
  { sw3: 0x11, code: 'HOST_LENGTH_ERROR', description: 'reader received a frame with a bad length' },
  { sw3: 0x21, code: 'COMMAND_ERROR', description: 'command error (bad value or combination)' },
  { sw3: 0x23, code: 'UNAUTHORISED_OPERATION', description: 'unauthorised operation' },
  { sw3: 0x24, code: 'UNRECOGNISED_ERROR', description: 'unrecognised error' },
  { sw3: 0x31, code: 'CARD_AUTH_SAM_FAILED', description: 'card failed to authenticate the SAM' },
  { sw3: 0x32, code: 'SAM_AUTH_CARD_FAILED', description: 'SAM failed to authenticate the card' },
  { sw3: 0x33, code: 'VERIFY_FAILED', description: 'information verification error' },
  { sw3: 0x40, code: 'UNKNOWN_CARD_TYPE', description: 'unrecognised card type' },
  { sw3: 0x41, code: 'READ_FAILED', description: 'read card failed' },
  { sw3: 0x47, code: 'RANDOM_FAILED', description: 'get random number failed' },
  { sw3: 0x60, code: 'SAM_SELF_TEST_FAILED', description: 'SAM self-test failed, cannot accept commands' },
  { sw3: 0x66, code: 'SAM_NOT_AUTHORISED', description: 'SAM not authorised' },
  { sw3: 0x80, code: 'FIND_CARD_FAILED', description: 'find card failed (no card, or card not re-presented)' },
  { sw3: 0x81, code: 'SELECT_CARD_FAILED', description: 'select card failed' },
];

const bySw3 = new Map(table.map((s) => [s.sw3, s]));

export const samStatusTable: readonly SamStatusInfo[] = table;

/** The params of a status's words: unknown ones say their SW3 byte (`0x` + two upper-case hex digits). */
export function samStatusParams(info: SamStatusInfo): Record<string, string> {
  return info.code === 'UNKNOWN_STATUS' ? { sw3: `0x${info.sw3.toString(16).padStart(2, '0').toUpperCase()}` } : {};
}

export function samStatus(sw3: number): SamStatusInfo {
  return (
    bySw3.get(sw3) ?? {
      sw3,
      code: 'UNKNOWN_STATUS',
      description: `unknown status code 0x${sw3.toString(16).padStart(2, '0')}`,
    }
  );
}
