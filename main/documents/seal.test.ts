// 电子印章 end to end with real parts: the reference platform (PGlite) certifies each terminal's own
// SM2 key at enrollment; terminal A's main seals a 受理回执; terminal B, which only knows the platform
// root from its own enrollment, verifies the file offline through the validated bridge call. Real
// sm-crypto-v2 throughout (no mocks).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { fileSecretStore } from '../sync/secrets';
import { SealKeys } from '../sync/seal-keys';
import { createDocumentFeature, type DocumentFeature } from './feature';
import { renderDocument } from './pdf';
import { acceptanceReceipt } from './templates';
import { prepareSeal, signSealedPdf, type SealSigner } from './seal';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { SealAuthority } from '../../sync/server/seal-authority';
import { enrollResponse, paths } from '../../sync/protocol/index';
import { makeSealRequest, newSm2KeyPair, SEAL_MAX_FILE_BYTES, verifySealedPdf, type SealVerification } from '../../sync/protocol/seal';
import type { AcceptanceReceiptInput } from '../../preload/contract/kiosk-calls';

const A = '360121201';
const B = '360121100';
const dir = mkdtempSync(join(tmpdir(), 'seal-test-'));
const lines: string[] = [];
const log = createLogger({ stderr: false, level: 'debug', sink: (l) => lines.push(l), burst: 100_000, ceiling: 100_000 });
const events = createEventHub(log);
const SIGNED_IN = { id: 'S002', name: '演示代办员', role: 'assistant', platformRole: 'clerk' } as const;
const staff: CallerContext = { origin: 'app://terminal', role: 'clerk', senderId: 'w1', staff: SIGNED_IN };

const RECEIPT: AcceptanceReceiptInput = {
  applicationId: '019a1b2c-3d4e-7f00-8a00-0123456789ab',
  acceptanceNo: null,
  serviceCode: 'YB01',
  serviceName: '城乡居民参保登记（含新生儿）',
  department: '医保',
  stationName: '演示镇便民服务中心',
  applicantName: '张三丰',
  applicantIdNumber: '360121199001011234',
  channel: 'counter',
  submittedAt: '2026-11-29T10:00:00.000Z',
  materials: ['户口簿'],
  notes: [],
  progressQr: 'TT1:019a1b2c-3d4e-7f00-8a00-0123456789ab',
};

interface Terminal {
  keys: SealKeys;
  docs: DocumentFeature;
  dispatch: ReturnType<typeof createDispatcher>;
  stationId: string;
}

let p: Platform;
/** Enrolls a terminal of `stationId` the way main does (its own key, the request in the enrollment) and builds its documents feature. */
async function terminal(name: string, stationId: string, now?: () => Date): Promise<Terminal> {
  const d = join(dir, name);
  const secrets = fileSecretStore(join(d, 'secrets'));
  const keys = new SealKeys(async () => secrets, join(d, 'seal.json'));
  const code = await p.createEnrollCode(stationId);
  const res = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, seal: await keys.request() }) });
  const answer = enrollResponse.parse(await res.json());
  expect(answer.seal?.certificate.stationId).toBe(stationId);
  await keys.adopt('test-platform', answer.seal);
  const docs = createDocumentFeature(
    { config: TerminalConfig.parse({}), log, events, dataDir: d, host: 'browser' },
    { seal: { signer: () => keys.signer(), rootPublicKey: () => keys.rootPublicKey(), stationId: () => stationId }, ...(now ? { now } : {}) },
  );
  const dispatch = createDispatcher({
    handlers: docs.handlers as unknown as HandlerTable,
    isOriginAllowed: () => true,
    log,
    staffSession: () => ({ state: 'active', staff: SIGNED_IN, mode: 'offline', signedInAt: Date.now(), offlineValidUntil: null, inactivityLockSec: 300 }),
  });
  return { keys, docs, dispatch, stationId };
}

async function verify(t: Terminal, input: unknown): Promise<SealVerification> {
  const r = await t.dispatch(staff, 'seal.verify', input);
  if (!r.ok) throw new Error(`seal.verify failed: ${r.error.code} ${r.error.message}`);
  return r.value as SealVerification;
}
const pdfInput = (b: Uint8Array) => ({ source: 'pdf', pdfBase64: Buffer.from(b).toString('base64') });

let a: Terminal;
let a2: Terminal;
let b: Terminal;
let sealed: Uint8Array;

beforeAll(async () => {
  p = await startPlatform({ seedDemo: true });
  [a, a2, b] = [await terminal('a', A), await terminal('a2', A), await terminal('b', B)];
  const saved = await a.docs.handlers['documents.receiptPdf']({ receipt: RECEIPT }, staff);
  expect(saved.sealed).toBe(true);
  sealed = new Uint8Array((await a.docs.readDocument(saved.documentId))!);
}, 240_000);
afterAll(async () => {
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('电子印章: a sealed 受理回执', () => {
  it('verifies offline on another terminal of the province (digest, signature, chain, validity, station)', async () => {
    const r = await verify(b, pdfInput(sealed));
    expect(r).toMatchObject({ ok: true, failure: null, source: 'pdf', station: { id: A }, sealName: '便民服务专用章', document: { kind: 'receipt' } });
    expect(r.checks.map((c) => c.check)).toEqual(['format', 'digest', 'signature', 'chain', 'validity', 'station']);
    expect(r.checks.every((c) => c.ok)).toBe(true);
    // Two terminals of one station: one seal (station and name), two keys, both certified.
    const [ca, ca2] = [(await a.keys.signer())!.certificate, (await a2.keys.signer())!.certificate];
    expect(ca2.stationId).toBe(ca.stationId);
    expect(ca2.publicKey).not.toBe(ca.publicKey);
    expect(lines.some((l) => l.includes('seal.verified') && l.includes('"ok":true'))).toBe(true);
  });

  it('its verification QR verifies offline too, with the printed facts (masked)', async () => {
    const text = Buffer.from(sealed).toString('latin1');
    expect(text).toContain('/Filter /TT.SealSM2');
    // The QR text is inside the signed page content only as modules; take it from a fresh seal of the same signer instead.
    const signer = (await a.keys.signer())!;
    const prepared = prepareSeal(signer, { kind: 'receipt', id: 'receipt-x', spec: acceptanceReceipt(RECEIPT), stationId: A }, new Date(), 'Asia/Shanghai');
    const r = await verify(b, { source: 'qr', qr: prepared.drawing.qr });
    expect(r).toMatchObject({ ok: true, source: 'qr', station: { id: A } });
    expect(r.facts).toContainEqual(['申请人', '张**']);
    expect(JSON.stringify(r.facts)).not.toContain('360121199001011234');
    // one changed character of the payload: refused
    const qr = prepared.drawing.qr;
    const i = qr.length - 10;
    const broken = qr.slice(0, i) + (qr[i] === 'A' ? 'B' : 'A') + qr.slice(i + 1);
    expect((await verify(b, { source: 'qr', qr: broken })).ok).toBe(false);
  });

  it('a flipped byte in the page content fails: the document was changed', async () => {
    const changed = new Uint8Array(sealed);
    changed[2000] = changed[2000]! ^ 0x01;
    const r = await verify(b, pdfInput(changed));
    expect(r).toMatchObject({ ok: false, failure: 'DIGEST_MISMATCH' });
    expect(r.reason).toMatch(/changed after sealing/);
  });

  it('a flipped byte inside the seal data fails too', async () => {
    const text = Buffer.from(sealed).toString('latin1');
    const at = text.lastIndexOf('/Contents <') + '/Contents <'.length + 400;
    const changed = new Uint8Array(sealed);
    changed[at] = changed[at] === 0x61 ? 0x62 : 0x61;
    const r = await verify(b, pdfInput(changed));
    expect(r.ok).toBe(false);
    expect(['SEAL_DATA_INVALID', 'SIGNATURE_INVALID']).toContain(r.failure);
  });

  it("another station's certificate fails: swapped in (signature) or signed by the other station's terminal (station identity)", async () => {
    // (1) B's certificate put in place of A's inside A's seal: the signature no longer matches the certificate's key.
    const text = Buffer.from(sealed).toString('latin1');
    const start = text.lastIndexOf('/Contents <') + '/Contents <'.length;
    const end = text.indexOf('>', start);
    const json = JSON.parse(Buffer.from(text.slice(start, end).replace(/(00)+$/, ''), 'hex').toString('utf8'));
    json.certificate = (await b.keys.signer())!.certificate;
    const hex = Buffer.from(JSON.stringify(json), 'utf8').toString('hex').padEnd(end - start, '0');
    const swapped = Buffer.from(sealed);
    swapped.write(hex, start, 'latin1');
    expect(await verify(a2, pdfInput(swapped))).toMatchObject({ ok: false, failure: 'SIGNATURE_INVALID' });
    // (2) B's terminal seals a document that says it is of station A: the certificate is B's.
    const signerB = (await b.keys.signer())!;
    const spec = acceptanceReceipt(RECEIPT);
    const prepared = prepareSeal(signerB, { kind: 'receipt', id: 'receipt-forged', spec, stationId: A }, new Date(), 'Asia/Shanghai');
    const forged = signSealedPdf((await renderDocument(spec, { seal: prepared.drawing })).pdf, signerB, prepared);
    const r = await verify(a2, pdfInput(forged));
    expect(r).toMatchObject({ ok: false, failure: 'STATION_MISMATCH' });
    expect(r.reason).toContain(`belongs to station ${B}`);
  });

  it('a certificate that had expired when the document was signed fails', async () => {
    const { db } = p.store;
    // The same authority (same root, same database), its clock three years back, one day of validity.
    const old = new SealAuthority(db, { now: () => new Date(Date.now() - 3 * 365 * 24 * 3600 * 1000), validityDays: 1 });
    const key = newSm2KeyPair();
    const issue = await old.issue({ terminalId: 'T-old', stationId: A }, makeSealRequest(key.privateKey));
    const signer: SealSigner = { certificate: issue.certificate, privateKey: key.privateKey };
    const spec = acceptanceReceipt(RECEIPT);
    const prepared = prepareSeal(signer, { kind: 'receipt', id: 'receipt-expired', spec, stationId: A }, new Date(), 'Asia/Shanghai');
    const pdf = signSealedPdf((await renderDocument(spec, { seal: prepared.drawing })).pdf, signer, prepared);
    const r = await verify(b, pdfInput(pdf));
    expect(r).toMatchObject({ ok: false, failure: 'CERT_EXPIRED' });
    expect(r.checks.find((c) => c.check === 'chain')?.ok).toBe(true);
    // and main does not seal with an expired certificate of its own
    expect(await new SealKeys(async () => fileSecretStore(join(dir, 'none')), join(dir, 'none', 'seal.json')).signer()).toBeNull();
  });

  it('a certificate of another authority (another platform root) is untrusted', async () => {
    const other = await startPlatform();
    try {
      const issue = await new SealAuthority(other.store.db).issue({ terminalId: 'T-x', stationId: A }, makeSealRequest((await a.keys.signer())!.privateKey));
      const signer: SealSigner = { certificate: issue.certificate, privateKey: (await a.keys.signer())!.privateKey };
      const spec = acceptanceReceipt(RECEIPT);
      const prepared = prepareSeal(signer, { kind: 'receipt', id: 'receipt-other', spec, stationId: A }, new Date(), 'Asia/Shanghai');
      const pdf = signSealedPdf((await renderDocument(spec, { seal: prepared.drawing })).pdf, signer, prepared);
      expect(await verify(b, pdfInput(pdf))).toMatchObject({ ok: false, failure: 'CERT_UNTRUSTED' });
      // a verifier without any root says so instead of passing
      expect(verifySealedPdf(pdf, { rootPublicKey: null })).toMatchObject({ ok: false, failure: 'NO_TRUST_ROOT' });
    } finally {
      await other.close();
    }
  }, 180_000);
});

describe('电子印章 at every hour of the UTC day', () => {
  it('is dated the station day (Asia/Shanghai) and signed at the clock’s instant, at every hour and at the midnight edges', async () => {
    let clockMs = 0;
    const t = await terminal('hours', A, () => new Date(clockMs));
    const signer = (await t.keys.signer())!;
    const instants: number[] = [];
    for (let h = 0; h < 24; h++) instants.push(Date.parse(`2027-01-10T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 37 + 11) % 60) * 60_000 + ((h * 53) % 60) * 1000);
    for (const edge of ['00:00:00.000', '10:00:00.000', '11:59:59.999', '15:59:59.999', '16:00:00.000', '23:59:59.999']) instants.push(Date.parse(`2027-01-10T${edge}Z`));
    for (const at of instants) {
      clockMs = at;
      const iso = new Date(at).toISOString();
      // Shanghai's wall clock by offset arithmetic (no summer time).
      const wall = new Date(at + 8 * 3_600_000).toISOString();
      const day = `${wall.slice(0, 4)}年${wall.slice(5, 7)}月${wall.slice(8, 10)}日`;
      const receipt = { ...RECEIPT, submittedAt: iso };
      const prepared = prepareSeal(signer, { kind: 'receipt', id: `hours-${at}`, spec: acceptanceReceipt(receipt), stationId: A }, new Date(at), 'Asia/Shanghai');
      expect(prepared.drawing.dateText, iso).toBe(day);
      const saved = await t.docs.handlers['documents.receiptPdf']({ receipt }, staff);
      expect(saved.sealed).toBe(true);
      const r = await verify(b, pdfInput(new Uint8Array((await t.docs.readDocument(saved.documentId))!)));
      expect(r, iso).toMatchObject({ ok: true, signedAt: iso });
      // The QR printed beside the seal carries the receipt's 提交时间 on the station's wall clock.
      const q = await verify(b, { source: 'qr', qr: prepared.drawing.qr });
      expect(q, iso).toMatchObject({ ok: true, signedAt: iso });
      expect(q.facts, iso).toContainEqual(['提交时间', `${day} ${wall.slice(11, 16)}`]);
    }
  }, 120_000);
});

describe('电子印章: garbage given to the verifier', () => {
  it('not a PDF, a truncated file, an unsealed PDF, a damaged byte range: clear failures', async () => {
    expect(await verify(b, pdfInput(Buffer.from('hello, this is a text file')))).toMatchObject({ ok: false, failure: 'NOT_PDF' });
    expect(await verify(b, pdfInput(new Uint8Array(0)))).toMatchObject({ ok: false, failure: 'NOT_PDF' });
    expect(await verify(b, { source: 'pdf', pdfBase64: '!!!not base64!!!' })).toMatchObject({ ok: false, failure: 'NOT_PDF' });
    const cut = await verify(b, pdfInput(sealed.subarray(0, Math.floor(sealed.length * 0.8))));
    expect(cut).toMatchObject({ ok: false, failure: 'STRUCTURE_INVALID' });
    expect(cut.reason).toMatch(/incomplete or was changed/);
    const cutEarly = await verify(b, pdfInput(sealed.subarray(0, 3000)));
    expect(cutEarly).toMatchObject({ ok: false, failure: 'NOT_SEALED' });
    const plain = (await renderDocument(acceptanceReceipt(RECEIPT))).pdf;
    expect(await verify(b, pdfInput(plain))).toMatchObject({ ok: false, failure: 'NOT_SEALED' });
    const text = Buffer.from(sealed).toString('latin1');
    const damaged = Buffer.from(sealed);
    damaged.write('/ByteRange [x', text.lastIndexOf('/ByteRange'), 'latin1');
    expect(await verify(b, pdfInput(damaged))).toMatchObject({ ok: false, failure: 'STRUCTURE_INVALID' });
  });

  it('a huge file is refused with TOO_LARGE (and one beyond the bridge limit by the bridge, INVALID_INPUT)', async () => {
    const big = new Uint8Array(SEAL_MAX_FILE_BYTES + 1);
    big.set(Buffer.from('%PDF-1.7\n'));
    expect(await verify(b, pdfInput(big))).toMatchObject({ ok: false, failure: 'TOO_LARGE' });
    const r = await b.dispatch(staff, 'seal.verify', { source: 'pdf', pdfBase64: 'A'.repeat(20_000_000) });
    expect(r.ok ? null : r.error.code).toBe('INVALID_INPUT');
  }, 30_000);

  it('garbage QR texts: clear QR_INVALID reasons', async () => {
    for (const qr of ['', 'TT1:019a1b2c', 'TTSQ1:', 'TTSQ1:%%%', 'TTSQ1:' + Buffer.from('[1,2,3]').toString('base64url'), 'TTSQ1:' + Buffer.from('{"a":1}').toString('base64url'), 'x'.repeat(4001)]) {
      const r = await verify(b, { source: 'qr', qr });
      expect(r, qr.slice(0, 20)).toMatchObject({ ok: false, failure: 'QR_INVALID' });
      expect(r.reason.length).toBeGreaterThan(10);
    }
  });
});
