/**
 * `npm run platform -- verify-seal <file.pdf> | --qr TEXT [--root HEX | --url URL]`: verifies a sealed
 * document (电子印章, sync/protocol/seal.ts) offline, in English, against this platform's seal root
 * (from its database, from a running platform's public `GET /api/v1/seal/root`, or given as hex).
 * Exit code 0 = valid, 1 = not valid, 2 = the check could not run (no such file, no root).
 */
import { open, stat } from 'node:fs/promises';
import { SEAL_MAX_FILE_BYTES, verifySealedPdf, verifySealQr, type SealVerification } from '../protocol/seal';
import { DEFAULT_STATION_TIME_ZONE, stationDateTime } from '../protocol/station-time';

/** Reads at most SEAL_MAX_FILE_BYTES + 1 bytes: a larger file is reported as too large without loading it whole. */
export async function readForVerification(file: string): Promise<Uint8Array> {
  const size = (await stat(file)).size;
  const fh = await open(file, 'r');
  try {
    const want = Math.min(size, SEAL_MAX_FILE_BYTES + 1);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(buf, got, want - got, got);
      if (!bytesRead) break;
      got += bytesRead;
    }
    // A file over the limit: keep its true size visible to the verifier through a buffer one byte over.
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } finally {
    await fh.close();
  }
}

const when = (iso: string, tz: string) => `${stationDateTime(iso, tz)} (${tz})`;

/** The report, one fact a line. */
export function describeVerification(r: SealVerification, tz = DEFAULT_STATION_TIME_ZONE): string[] {
  const out = [r.ok ? 'seal: VALID' : `seal: NOT VALID (${r.failure})`, `reason: ${r.reason}`];
  if (r.station) out.push(`station: ${r.station.id} ${r.station.name}${r.sealName ? ` — ${r.sealName}` : ''}`);
  if (r.document) out.push(`document: ${r.document.kind} ${r.document.id} "${r.document.title}"`);
  if (r.signedAt) out.push(`signed: ${when(r.signedAt, tz)} by terminal ${r.terminalId ?? '?'}`);
  if (r.certificate) out.push(`certificate: ${r.certificate.serial}, valid ${when(r.certificate.notBefore, tz)} to ${when(r.certificate.notAfter, tz)}`);
  for (const [label, value] of r.facts) out.push(`printed: ${label} = ${value}`);
  out.push(`checks: ${r.checks.map((c) => `${c.check} ${c.ok ? 'ok' : 'FAILED'}`).join(', ') || 'none'}`);
  return out;
}

export interface VerifySealArgs {
  file?: string;
  qr?: string;
  rootPublicKey: string | null;
}

export async function verifySealCommand(a: VerifySealArgs, print: (line: string) => void = console.log, error: (line: string) => void = console.error): Promise<number> {
  if (!a.file && a.qr === undefined) {
    error('verify-seal needs a file (a sealed PDF) or --qr TEXT (the text of a document’s verification QR)');
    return 2;
  }
  let r: SealVerification;
  if (a.qr !== undefined) r = verifySealQr(a.qr, { rootPublicKey: a.rootPublicKey });
  else {
    let bytes: Uint8Array;
    try {
      bytes = await readForVerification(a.file!);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      error(`cannot read ${a.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
      return 2;
    }
    r = verifySealedPdf(bytes, { rootPublicKey: a.rootPublicKey });
  }
  for (const line of describeVerification(r)) print(line);
  if (r.failure === 'NO_TRUST_ROOT') return 2;
  return r.ok ? 0 : 1;
}
