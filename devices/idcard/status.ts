/**
 * SW3 status codes of the SAM protocol, each with a stable error code, an English description for
 * logs and APIs, and a Chinese message for the UI.
 */
export interface SamStatusInfo {
  sw3: number;
  code: string;
  description: string;
  message: string;
}

const table: SamStatusInfo[] = [
  { sw3: 0x90, code: 'OK', description: 'success', message: '操作成功' },
  { sw3: 0x91, code: 'NO_CONTENT', description: 'this item has no content on the card', message: '证件无此项内容' },
  { sw3: 0x9f, code: 'CARD_FOUND', description: 'find card success', message: '已找到证件' },
  { sw3: 0x10, code: 'HOST_CHECKSUM_ERROR', description: 'reader received a frame with a bad checksum', message: '阅读器收到的数据校验错误' },
  { sw3: 0x11, code: 'HOST_LENGTH_ERROR', description: 'reader received a frame with a bad length', message: '阅读器收到的数据长度错误' },
  { sw3: 0x21, code: 'COMMAND_ERROR', description: 'command error (bad value or combination)', message: '阅读器命令错误' },
  { sw3: 0x23, code: 'UNAUTHORISED_OPERATION', description: 'unauthorised operation', message: '越权操作' },
  { sw3: 0x24, code: 'UNRECOGNISED_ERROR', description: 'unrecognised error', message: '阅读器发生无法识别的错误' },
  { sw3: 0x31, code: 'CARD_AUTH_SAM_FAILED', description: 'card failed to authenticate the SAM', message: '证件认证安全模块失败' },
  { sw3: 0x32, code: 'SAM_AUTH_CARD_FAILED', description: 'SAM failed to authenticate the card', message: '安全模块认证证件失败，请确认是否为有效证件' },
  { sw3: 0x33, code: 'VERIFY_FAILED', description: 'information verification error', message: '证件信息验证错误' },
  { sw3: 0x40, code: 'UNKNOWN_CARD_TYPE', description: 'unrecognised card type', message: '无法识别的证件类型' },
  { sw3: 0x41, code: 'READ_FAILED', description: 'read card failed', message: '读卡失败，请重新放置证件' },
  { sw3: 0x47, code: 'RANDOM_FAILED', description: 'get random number failed', message: '取随机数失败，请重新放置证件' },
  { sw3: 0x60, code: 'SAM_SELF_TEST_FAILED', description: 'SAM self-test failed, cannot accept commands', message: '阅读器安全模块自检失败，请联系管理员' },
  { sw3: 0x66, code: 'SAM_NOT_AUTHORISED', description: 'SAM not authorised', message: '阅读器安全模块未授权，请联系管理员' },
  { sw3: 0x80, code: 'FIND_CARD_FAILED', description: 'find card failed (no card, or card not re-presented)', message: '未找到证件，请放置证件' },
  { sw3: 0x81, code: 'SELECT_CARD_FAILED', description: 'select card failed', message: '选卡失败，请重新放置证件' },
];

const bySw3 = new Map(table.map((s) => [s.sw3, s]));

export const samStatusTable: readonly SamStatusInfo[] = table;

export function samStatus(sw3: number): SamStatusInfo {
  return (
    bySw3.get(sw3) ?? {
      sw3,
      code: 'UNKNOWN_STATUS',
      description: `unknown status code 0x${sw3.toString(16).padStart(2, '0')}`,
      message: `阅读器返回未知状态（0x${sw3.toString(16).padStart(2, '0').toUpperCase()}）`,
    }
  );
}
