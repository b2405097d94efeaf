/**
 * SAM (GA 467) frame layout, shared by commands and responses:
 *   AA AA AA 96 69 | LEN (2, big-endian) | payload (LEN-1 bytes) | CHK
 * LEN counts every byte after the length field, CHK included.
 * CHK = XOR of the length bytes and the payload (preamble and CHK excluded).
 * See ../../../shared/specs/id-card-sam.md.
 */
export const PREAMBLE = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);
export const HEADER_SIZE = 7;
/** Smallest legal LEN: a command with CMD, PARA, CHK. */
export const MIN_LENGTH = 3;
/** Largest LEN accepted. Largest known frame is read-base+fingerprint (LEN 0x090A). */
export const MAX_LENGTH = 0x0a00;

/** XOR of bytes [from, to). */
export function xorRange(bytes: Uint8Array, from: number, to: number): number {
  let x = 0;
  for (let i = from; i < to; i++) x ^= bytes[i]!;
  return x;
}

/** Wrap a payload (CMD PARA DATA, or SW1 SW2 SW3 DATA) into a frame. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const len = payload.length + 1;
  if (len > MAX_LENGTH) throw new RangeError(`SAM payload too long: ${payload.length} bytes`);
  const frame = Buffer.alloc(HEADER_SIZE + len);
  PREAMBLE.copy(frame, 0);
  frame.writeUInt16BE(len, 5);
  frame.set(payload, HEADER_SIZE);
  frame[frame.length - 1] = xorRange(frame, 5, frame.length - 1);
  return frame;
}

export function encodeCommand(cmd: number, para: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  const payload = new Uint8Array(2 + data.length);
  payload[0] = cmd;
  payload[1] = para;
  payload.set(data, 2);
  return encodeFrame(payload);
}

export function encodeResponse(sw3: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  const payload = new Uint8Array(3 + data.length);
  payload[2] = sw3;
  payload.set(data, 3);
  return encodeFrame(payload);
}

export interface SamCommandFrame {
  cmd: number;
  para: number;
  data: Buffer;
}

export interface SamResponseFrame {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Buffer;
}

/** Interpret a received payload (bytes between LEN and CHK) as a command. */
export function asCommand(payload: Buffer): SamCommandFrame | null {
  if (payload.length < 2) return null;
  return { cmd: payload[0]!, para: payload[1]!, data: payload.subarray(2) };
}

/** Interpret a received payload as a response. */
export function asResponse(payload: Buffer): SamResponseFrame | null {
  if (payload.length < 3) return null;
  return { sw1: payload[0]!, sw2: payload[1]!, sw3: payload[2]!, data: payload.subarray(3) };
}
