/**
 * 电子印章 at the terminal (format: sync/protocol/seal.ts; design: docs/ARCHITECTURE.md "电子印章").
 * A sealed document is rendered with the seal drawn and a signature dictionary reserved (pdf.ts
 * `seal` option), then `signSealedPdf` writes the real `/ByteRange`, takes the SM3 digest of the
 * covered bytes and writes the SM2-signed `SealSignature` into `/Contents`, all in place (the file's
 * length and every offset stay as pdf-lib wrote them).
 *
 * The signing key is this terminal's (main's secret store, main/sync/seal-keys.ts); it never reaches
 * the renderer. Verification (`verifySealedPdf`, `verifySealQr`) needs only the platform's root
 * public key, kept from enrollment: it runs offline.
 */
import type { DocumentSpec, SealDrawing } from './pdf';
import { SEAL_BYTE_RANGE_PLACEHOLDER, SEAL_CONTENTS_HEX } from './pdf';
import { maskName } from '../../sync/protocol/mask';
import { stationDateZh } from './templates';
import {
  byteRangeDigest,
  SEAL_FORMAT,
  signSealQr,
  signSealSignature,
  type SealCertificate,
} from '../../sync/protocol/seal';

/** What seals documents at this terminal: its certificate and private key (hex). */
export interface SealSigner {
  certificate: SealCertificate;
  privateKey: string;
}

/** Document kinds the terminal seals (the daily summary, counts only, is not a document of the station to a resident). */
export const SEALED_KINDS = new Set(['receipt', 'completion-slip', 'termination-slip', 'authorization-letter']);

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** Rows printed on the document that the QR repeats (masked; never full ID numbers or phones). */
export function sealFacts(spec: DocumentSpec): [string, string][] {
  const out: [string, string][] = [];
  for (const b of spec.blocks) {
    if (b.kind !== 'fields') continue;
    for (const r of b.rows) {
      if (out.length >= 5) return out;
      // Never ID numbers, phones or addresses; and not what every document of the station repeats.
      if (/身份证|证件|电话|手机|地址|承办部门|提交渠道|办理地点/.test(r.label)) continue;
      const value = /姓名|申请人|委托人|受托人|代办人|当事人/.test(r.label) ? maskName(r.value) : r.value;
      out.push([r.label.slice(0, 20), value.length > 30 ? `${value.slice(0, 29)}…` : value]);
    }
  }
  return out;
}

/** Everything signed before rendering: the QR (it is printed, so it cannot cover the final bytes) and the drawing. */
export function prepareSeal(
  signer: SealSigner,
  doc: { kind: string; id: string; spec: DocumentSpec; stationId: string },
  signedAt: Date,
  timeZone: string,
): { drawing: SealDrawing; document: { kind: string; id: string; title: string; stationId: string }; signedAt: string } {
  const c = signer.certificate;
  const document = { kind: doc.kind, id: doc.id, title: doc.spec.title.slice(0, 200) || doc.kind, stationId: doc.stationId };
  const at = signedAt.toISOString();
  const qr = signSealQr({ certificate: c, document, signedAt: at, facts: sealFacts(doc.spec) }, signer.privateKey);
  return { drawing: { stationName: c.stationName, sealName: c.sealName, qr, dateText: stationDateZh(signedAt, timeZone) }, document, signedAt: at };
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/**
 * Fills the signature dictionary pdf.ts reserved: the byte range around `/Contents`, the SM3 digest of
 * those bytes, and the SM2-signed seal signature as hex. Returns a new buffer of the same length.
 */
export function signSealedPdf(pdf: Uint8Array, signer: SealSigner, meta: { document: { kind: string; id: string; title: string; stationId: string }; signedAt: string }): Uint8Array {
  const out = Buffer.from(pdf);
  const text = latin1(out);
  const placeholder = new RegExp(`/ByteRange\\s*\\[\\s*${SEAL_BYTE_RANGE_PLACEHOLDER.join('\\s+')}\\s*\\]`).exec(text);
  const contentsAt = text.indexOf(`<${'0'.repeat(SEAL_CONTENTS_HEX)}>`);
  if (!placeholder || contentsAt < 0 || text.indexOf(`<${'0'.repeat(SEAL_CONTENTS_HEX)}>`, contentsAt + 1) >= 0) throw new SealError('the rendered PDF has no single seal placeholder');
  const start = contentsAt;
  const end = contentsAt + SEAL_CONTENTS_HEX + 2;
  const byteRange: [number, number, number, number] = [0, start, end, out.length - end];
  const rangeText = `/ByteRange [${byteRange.join(' ')}`;
  if (rangeText.length + 1 > placeholder[0].length) throw new SealError('the byte range does not fit its placeholder');
  out.write(rangeText.padEnd(placeholder[0].length - 1, ' ') + ']', placeholder.index, 'latin1');
  const signature = signSealSignature(
    { format: SEAL_FORMAT, certificate: signer.certificate, document: meta.document, signedAt: meta.signedAt, byteRange, digest: byteRangeDigest(out, byteRange) },
    signer.privateKey,
  );
  const hex = Buffer.from(JSON.stringify(signature), 'utf8').toString('hex');
  if (hex.length > SEAL_CONTENTS_HEX) throw new SealError(`the seal signature (${hex.length / 2} bytes) does not fit the reserved /Contents`);
  out.write(hex, start + 1, 'latin1');
  return new Uint8Array(out);
}
