/**
 * Data of a read-base (30 01) or read-base+fingerprint (30 10) response, after SW1..SW3:
 *   text length (2, BE) | photo length (2, BE) | [fingerprint length (2, BE)] | text | photo | [fingerprint]
 * Offsets come from the length words, never hard-coded.
 */
import { DeviceError } from '../errors.js';
import type { IdCardRead } from './card-types.js';
import { parseTextBlock, TEXT_BLOCK_SIZE } from './text-block.js';

export interface BaseMessageParts {
  text: Buffer;
  photo: Buffer;
  fingerprints?: Buffer;
}

function bad(detail: string): DeviceError {
  return new DeviceError('BAD_BASE_MESSAGE', `read-base response malformed: ${detail}`);
}

export function splitBaseMessage(data: Buffer, withFingerprint: boolean): BaseMessageParts {
  const words = withFingerprint ? 3 : 2;
  if (data.length < words * 2) throw bad(`${data.length} bytes, too short for the length words`);
  const textLen = data.readUInt16BE(0);
  const photoLen = data.readUInt16BE(2);
  const fpLen = withFingerprint ? data.readUInt16BE(4) : 0;
  const body = words * 2;
  if (body + textLen + photoLen + fpLen !== data.length) {
    throw bad(`length words say ${textLen}+${photoLen}+${fpLen}, frame carries ${data.length - body}`);
  }
  if (textLen !== TEXT_BLOCK_SIZE) throw bad(`text length ${textLen}, expected 256`);
  const text = data.subarray(body, body + textLen);
  const photo = data.subarray(body + textLen, body + textLen + photoLen);
  const parts: BaseMessageParts = { text, photo };
  if (withFingerprint && fpLen > 0) parts.fingerprints = data.subarray(body + textLen + photoLen);
  return parts;
}

export function parseBaseMessage(data: Buffer, withFingerprint = false): IdCardRead {
  const parts = splitBaseMessage(data, withFingerprint);
  const text = parseTextBlock(parts.text);
  const read: IdCardRead = { ...text, photoWlt: Buffer.from(parts.photo) };
  if (parts.fingerprints) read.fingerprints = Buffer.from(parts.fingerprints);
  return read;
}

export function encodeBaseMessage(text: Buffer, photo: Buffer, fingerprints?: Buffer): Buffer {
  const words = fingerprints ? 3 : 2;
  const head = Buffer.alloc(words * 2);
  head.writeUInt16BE(text.length, 0);
  head.writeUInt16BE(photo.length, 2);
  if (fingerprints) head.writeUInt16BE(fingerprints.length, 4);
  return Buffer.concat([head, text, photo, ...(fingerprints ? [fingerprints] : [])]);
}
