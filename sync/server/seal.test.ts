// 电子印章 on the reference platform: the seal authority certifies a terminal's own SM2 key at
// enrollment and on POST /terminals/seal; bad requests are refused clearly (and never spend the
// enrollment code); a station hub forwards its hall's requests to the province, so certificates chain
// to the one province root; `npm run platform -- verify-seal` checks a sealed file in English.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollResponse, paths } from '../protocol/index';
import {
  certificateSignedBy,
  makeSealRequest,
  newSm2KeyPair,
  sealIssue,
  SEAL_CERTIFICATE_PATH,
  SEAL_ROOT_PATH,
  signSealSignature,
  byteRangeDigest,
  SEAL_FORMAT,
} from '../protocol/seal';
import { startPlatform, type Platform } from './platform';
import { startStationHub, type StationHub } from './hub/hub';
import { describeVerification, verifySealCommand } from './verify-seal';

const A = '360121201';
const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Answers of several shapes (success and error bodies), each checked by the test that reads it.
type Json = { [k: string]: Json } & Record<string, unknown> & { error: { code: string }; seal: { certificate: { publicKey: string } } };
const post = async (url: string, body: unknown, token?: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Json };
};

describe('platform: seal authority', () => {
  let p: Platform;
  const dir = mkdtempSync(path.join(tmpdir(), 'seal-platform-'));
  beforeAll(async () => {
    p = await startPlatform({ seedDemo: true });
  }, 180_000);
  afterAll(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('certifies the key a terminal sends at enrollment: the station’s name, this terminal, the platform root', async () => {
    const key = newSm2KeyPair();
    const code = await p.createEnrollCode(A);
    const r = await post(p.url + paths.enroll, { code, seal: makeSealRequest(key.privateKey) });
    expect(r.status).toBe(200);
    const e = enrollResponse.parse(r.json);
    const c = e.seal!.certificate;
    expect(c).toMatchObject({ stationId: A, terminalId: e.terminalId, publicKey: key.publicKey, sealName: '便民服务专用章' });
    expect(c.stationName).not.toBe(A); // the station_config's name
    const root = (await (await fetch(p.url + SEAL_ROOT_PATH)).json()) as { rootPublicKey: string };
    expect(root.rootPublicKey).toBe(e.seal!.rootPublicKey);
    expect(certificateSignedBy(c, root.rootPublicKey)).toBe(true);
    expect(Date.parse(c.notAfter) - Date.parse(c.notBefore)).toBeGreaterThan(700 * 24 * 3600 * 1000);
    const rows = await p.store.db.query<{ terminal_id: string }>('SELECT terminal_id FROM seal_certificates WHERE serial = $1', [c.serial]);
    expect(rows).toEqual([{ terminal_id: e.terminalId }]);
  });

  it('refuses a request whose proof is not by its key, before spending the code; garbage is a validation error', async () => {
    const code = await p.createEnrollCode(A);
    const mine = makeSealRequest(newSm2KeyPair().privateKey);
    const other = makeSealRequest(newSm2KeyPair().privateKey);
    const bad = await post(p.url + paths.enroll, { code, seal: { publicKey: mine.publicKey, proof: other.proof } });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'SEAL_REQUEST_INVALID' } } });
    // not a point on the curve
    const offCurve = await post(p.url + paths.enroll, { code, seal: { publicKey: `04${'1'.repeat(128)}`, proof: mine.proof } });
    expect(offCurve.json.error.code).toBe('SEAL_REQUEST_INVALID');
    for (const seal of [{ publicKey: 'xyz', proof: '00' }, 'garbage', { publicKey: mine.publicKey }]) {
      expect((await post(p.url + paths.enroll, { code, seal })).json.error.code).toBe('VALIDATION_FAILED');
    }
    // the code still works
    const ok = await post(p.url + paths.enroll, { code, seal: mine });
    expect(ok.status).toBe(200);
    expect(ok.json.seal.certificate.publicKey).toBe(mine.publicKey);
  });

  it('POST /terminals/seal renews for the calling terminal; forTerminal only for hubs; a token is needed', async () => {
    const code = await p.createEnrollCode(A);
    const e = enrollResponse.parse((await post(p.url + paths.enroll, { code })).json);
    expect(e.seal).toBeUndefined();
    const request = makeSealRequest(newSm2KeyPair().privateKey);
    const r = await post(p.url + SEAL_CERTIFICATE_PATH, { request }, e.token);
    expect(r.status).toBe(200);
    expect(sealIssue.parse(r.json).certificate).toMatchObject({ terminalId: e.terminalId, stationId: A });
    expect((await post(p.url + SEAL_CERTIFICATE_PATH, { request, forTerminal: 'T-other' }, e.token)).json.error.code).toBe('FORBIDDEN');
    expect((await post(p.url + SEAL_CERTIFICATE_PATH, { request })).status).toBe(401);
    expect((await post(p.url + SEAL_CERTIFICATE_PATH, { request: 'x' }, e.token)).json.error.code).toBe('VALIDATION_FAILED');
  });

  it('a station hub forwards its terminals’ requests: their certificates chain to the province root', async () => {
    let hub: StationHub | null = null;
    try {
      hub = await startStationHub({ upstream: p.url, enrollCode: await p.createEnrollCode(A), intervalMs: 60_000 });
      const key = newSm2KeyPair();
      const e = enrollResponse.parse((await post(hub.url + paths.enroll, { code: await hub.createEnrollCode(), seal: makeSealRequest(key.privateKey) })).json);
      const province = ((await (await fetch(p.url + SEAL_ROOT_PATH)).json()) as { rootPublicKey: string }).rootPublicKey;
      expect(e.seal!.rootPublicKey).toBe(province);
      expect(e.seal!.certificate).toMatchObject({ terminalId: e.terminalId, stationId: A, publicKey: key.publicKey });
      expect(certificateSignedBy(e.seal!.certificate, province)).toBe(true);
      expect(((await (await fetch(hub.url + SEAL_ROOT_PATH)).json()) as { rootPublicKey: string }).rootPublicKey).toBe(province);
    } finally {
      await hub?.close();
    }
  }, 240_000);

  it('verify-seal (CLI, English): valid with the root from the database or --root; clear errors otherwise', async () => {
    const dbDir = path.join(dir, 'db');
    // a platform on a data directory: its root, a certificate, and a sealed file made with the format's own functions
    const q = await startPlatform({ dataDir: dbDir, seedDemo: true });
    let root: string;
    const key = newSm2KeyPair();
    let file: string;
    try {
      const e = enrollResponse.parse((await post(q.url + paths.enroll, { code: await q.createEnrollCode(A), seal: makeSealRequest(key.privateKey) })).json);
      root = e.seal!.rootPublicKey;
      // a minimal "PDF" with a signature dictionary, signed as main signs (main/documents/seal.test.ts covers the real documents)
      const head = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 0000000000 0000000000 0000000000] /Contents <');
      const hexLen = 8192;
      const tail = Buffer.from('> >> endobj\n%%EOF\n');
      const pdf = Buffer.concat([head, Buffer.alloc(hexLen, '0'), tail]);
      const start = head.length - 1;
      const end = head.length + hexLen + 1;
      const br: [number, number, number, number] = [0, start, end, pdf.length - end];
      const brText = `[${br.join(' ')}`.padEnd('[0 0000000000 0000000000 0000000000'.length, ' ');
      pdf.write(brText, pdf.indexOf('[0 0000000000'), 'latin1');
      const sig = signSealSignature({ format: SEAL_FORMAT, certificate: e.seal!.certificate, document: { kind: 'receipt', id: 'receipt-cli', title: '受理回执', stationId: A }, signedAt: new Date().toISOString(), byteRange: br, digest: byteRangeDigest(pdf, br) }, key.privateKey);
      pdf.write(Buffer.from(JSON.stringify(sig)).toString('hex'), start + 1, 'latin1');
      file = path.join(dir, 'sealed.pdf');
      writeFileSync(file, pdf);
    } finally {
      await q.close();
    }
    const ok = await run(process.execPath, ['--import', 'tsx', CLI, 'verify-seal', file, '--data-dir', dbDir], { cwd: ROOT, timeout: 60_000 });
    expect(ok.stdout).toMatch(/^seal: VALID$/m);
    expect(ok.stdout).toMatch(/checks: format ok, digest ok, signature ok, chain ok, validity ok, station ok/);
    expect(ok.stdout).toMatch(/Asia\/Shanghai/);

    // flipped byte → not valid, with the reason (in-process: each CLI start costs seconds on a loaded machine)
    const bytes = readFileSync(file);
    bytes[3] = 0x58;
    const changed = path.join(dir, 'changed.pdf');
    writeFileSync(changed, bytes);
    const out: string[] = [];
    expect(await verifySealCommand({ file: changed, rootPublicKey: root }, (l) => out.push(l))).toBe(1);
    expect(out[0]).toMatch(/^seal: NOT VALID \(NOT_PDF\)$/);
    const inner = Buffer.from(readFileSync(file));
    inner[inner.length - 3] = 0x41;
    out.length = 0;
    expect(await verifySealCommand({ file: changed.replace('changed', 'changed2'), rootPublicKey: root }, (l) => out.push(l), () => undefined)).toBe(2);
    writeFileSync(changed.replace('changed', 'changed2'), inner);
    expect(await verifySealCommand({ file: changed.replace('changed', 'changed2'), rootPublicKey: root }, (l) => out.push(l))).toBe(1);
    expect(out.join('\n')).toMatch(/DIGEST_MISMATCH/);

    // in-process: missing file, garbage, no root
    const lines: string[] = [];
    const errs: string[] = [];
    expect(await verifySealCommand({ file: path.join(dir, 'nope.pdf'), rootPublicKey: root }, (l) => lines.push(l), (l) => errs.push(l))).toBe(2);
    expect(errs.join('\n')).toMatch(/no such file/);
    writeFileSync(path.join(dir, 'garbage.pdf'), 'garbage bytes');
    expect(await verifySealCommand({ file: path.join(dir, 'garbage.pdf'), rootPublicKey: root }, (l) => lines.push(l), (l) => errs.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/NOT_PDF/);
    expect(await verifySealCommand({ file, rootPublicKey: null }, (l) => lines.push(l), (l) => errs.push(l))).toBe(2);
    expect(await verifySealCommand({ qr: 'TTSQ1:garbage', rootPublicKey: root }, (l) => lines.push(l), (l) => errs.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/QR_INVALID/);
    expect(describeVerification({ ok: false, failure: 'NOT_SEALED', reason: 'r', source: 'pdf', checks: [], station: null, sealName: null, terminalId: null, signedAt: null, document: null, certificate: null, facts: [] })[0]).toBe('seal: NOT VALID (NOT_SEALED)');
    // a bad --root is a usage error
    const badRoot = await run(process.execPath, ['--import', 'tsx', CLI, 'verify-seal', file, '--root', '04abc'], { cwd: ROOT, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect((badRoot as { code: number }).code).not.toBe(0);
    expect((badRoot as { stderr: string }).stderr).toMatch(/--root must be/);
  }, 300_000);
});
