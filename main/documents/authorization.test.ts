/**
 * The 授权委托书's 受托人 rows: main writes the signed-in staff member's name, ID number and phone
 * (from its staff cache), never values from the page; a blank line when the cache does not know them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import type { Spooler } from './print';
import type { DocumentSpec } from './pdf';
import type { PlatformClient } from '../../sync/client/transport';
import type { Platform } from '../../sync/server/platform';
import { DEMO_STAFF } from '../../sync/server/seed/demo';
import type { DocumentSpecInput } from '../../preload/contract/kiosk-calls';
import { createStaffFeature } from '../staff/feature';
import { createDocumentFeature } from './feature';
import { AuthorizationSpecError, BLANK_LINE, fillAgentRows } from './authorization';
import { AGENT_ID_ROW, AGENT_PHONE_ROW, AGENT_ROW, AUTHORIZATION_KIND } from '../../preload/contract/kiosk-calls';
// eslint-disable-next-line no-restricted-imports -- pure template module (no DOM, no bridge): the page's letter as main receives it
import { authorizationLetter } from '../../renderer/clerk/letters';
import { enrolledDemoPlatform } from '../staff/test-platform';

const S002 = DEMO_STAFF.find((s) => s.id === 'S002')!;
const S001 = DEMO_STAFF.find((s) => s.id === 'S001')!;
const SIG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const letter = (agent = { name: S002.name, staffId: S002.id, relation: '村代办员' }): DocumentSpecInput =>
  authorizationLetter({ applicationId: '019ad000-0000-7000-8000-000000000001', stationName: '南新乡便民服务中心', serviceName: '城乡居民基本医疗保险参保登记', principal: { name: '张秀英', idNumber: '36012119500101002X', phone: '13912345678' }, agent, scope: ['submit'], validFrom: '2026-11-29', validUntil: null, subDelegation: false, signedAt: '2026-11-29T10:00:00+08:00', signaturePng: SIG });
const rowsOf = (spec: DocumentSpec) => spec.blocks.flatMap((b) => (b.kind === 'fields' ? b.rows : []));
const row = (spec: DocumentSpec, label: string) => rowsOf(spec).find((r) => r.label === label)?.value;
const withRow = (spec: DocumentSpecInput, label: string, value: string): DocumentSpecInput => ({ ...spec, blocks: spec.blocks.map((b) => (b.kind === 'fields' ? { ...b, rows: b.rows.map((r) => (r.label === label ? { label, value } : r)) } : b)) });

describe('fillAgentRows', () => {
  it('the page and main agree on the marker rows, and the page leaves them empty', () => {
    // one definition of the labels (the documents contract); the page writes all three rows
    const spec = letter();
    expect(row(spec, AGENT_ROW)).toBe(`${S002.name}（工号 ${S002.id}）`);
    expect(row(spec, AGENT_ID_ROW)).toBe('');
    expect(row(spec, AGENT_PHONE_ROW)).toBe('');
    expect(row(spec, AGENT_ROW)).toBeDefined();
  });

  it('writes the signed-in person and what the cache knows; blank lines for what it does not', () => {
    const full = fillAgentRows(letter(), { id: 'S002', name: S002.name }, { idNumber: S002.idNumber, phone: S002.phone });
    expect(row(full, AGENT_ROW)).toBe(`${S002.name}（工号 S002）`);
    expect(row(full, AGENT_ID_ROW)).toBe(S002.idNumber);
    expect(row(full, AGENT_PHONE_ROW)).toBe(S002.phone);
    const none = fillAgentRows(letter(), { id: 'S002', name: S002.name }, {});
    expect(row(none, AGENT_ID_ROW)).toBe(BLANK_LINE);
    expect(row(none, AGENT_PHONE_ROW)).toBe(BLANK_LINE);
    const half = fillAgentRows(letter(), { id: 'S002', name: S002.name }, { phone: S002.phone });
    expect(row(half, AGENT_ID_ROW)).toBe(BLANK_LINE);
    expect(row(half, AGENT_PHONE_ROW)).toBe(S002.phone);
    // the page's 受托人 row is replaced by the signed-in person, so name and ID number always match
    const other = fillAgentRows(letter({ name: '别人', staffId: 'S009', relation: '村代办员' }), { id: 'S002', name: S002.name }, {});
    expect(row(other, AGENT_ROW)).toBe(`${S002.name}（工号 S002）`);
  });

  it('refuses forged values, missing or repeated marker rows', () => {
    const staff = { id: 'S002', name: S002.name };
    const refused = (spec: DocumentSpecInput) => () => fillAgentRows(spec, staff, { idNumber: S002.idNumber });
    for (const forged of ['110105194912310021', '______', ' ', '无', 'x'.repeat(2000)]) {
      expect(refused(withRow(letter(), AGENT_ID_ROW, forged))).toThrow(AuthorizationSpecError);
      expect(refused(withRow(letter(), AGENT_PHONE_ROW, forged))).toThrow(/must be empty/);
    }
    const without = (label: string): DocumentSpecInput => ({ ...letter(), blocks: letter().blocks.map((b) => (b.kind === 'fields' ? { ...b, rows: b.rows.filter((r) => r.label !== label) } : b)) });
    for (const l of [AGENT_ROW, AGENT_ID_ROW, AGENT_PHONE_ROW]) expect(refused(without(l))).toThrow(/exactly one/);
    const twice: DocumentSpecInput = { ...letter(), blocks: [...letter().blocks, { kind: 'fields', rows: [{ label: ` ${AGENT_ID_ROW} `, value: '' }] }] };
    expect(refused(twice)).toThrow(/found 2/);
    expect(refused({ title: '授权委托书', blocks: [] })).toThrow(/exactly one/);
  });
});

describe('documents.render of the authorization letter', () => {
  let platform: Platform;
  let client: PlatformClient;
  const dirs: string[] = [];
  const lines: string[] = [];
  const log = createLogger({ stderr: false, level: 'debug', sink: (l) => lines.push(l) });
  const spooler: Spooler = { kind: 'cups', listPrinters: async () => ({ spooler: true, defaultPrinter: 'A4', printers: ['A4'] }), print: async () => ({ printer: 'A4', jobId: 'A4-1' }) };
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'letter-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    ({ platform, client } = await enrolledDemoPlatform());
  }, 60_000);
  afterAll(async () => {
    await platform?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Staff and documents features over one data directory (one secret store), behind the dispatcher. */
  function terminal(dataDir = tmp()) {
    const events = createEventHub(log);
    const ctx = { config: TerminalConfig.parse({ role: 'clerk' }), log, events, dataDir, host: 'browser' as const };
    const staff = createStaffFeature(ctx, { platform: () => client, stationId: () => '360121201' });
    // wired as main/core/services.ts does: the staff feature's cache answers for the agent
    const docs = createDocumentFeature(ctx, { spooler, agentContact: (id) => staff.agentContact(id) });
    const dispatch = createDispatcher({ handlers: { ...staff.handlers, ...docs.handlers } as unknown as HandlerTable, isOriginAllowed: () => true, log });
    const clerk: CallerContext = { origin: 'app://terminal', role: 'clerk', senderId: 'w1' };
    const call = async (name: string, input: unknown, c: CallerContext = clerk) => dispatch(c, name, input);
    const text = async (documentId: string) => {
      const file = join(dataDir, 'out.pdf');
      writeFileSync(file, (await docs.readDocument(documentId))!);
      return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    };
    return { staff, docs, call, text, clerk, close: async () => (await staff.close(), await docs.close()) };
  }

  it('for signed-in S002: its ID number and phone from main, whatever the page claims', async () => {
    const t = terminal();
    expect((await t.call('staff.login', { staffId: 'S002', pin: S002.pin })).ok).toBe(true);
    const r = await t.call('documents.render', { kind: AUTHORIZATION_KIND, spec: letter({ name: S001.name, staffId: 'S001', relation: '村代办员' }) });
    expect(r.ok).toBe(true);
    const text = await t.text((r as { value: { documentId: string } }).value.documentId);
    expect(text).toContain(`受托人身份证号${S002.idNumber}`);
    expect(text).toContain(`受托人联系电话${S002.phone}`);
    expect(text).toContain(`受托人（代办员）${S002.name}（工号S002）`);
    expect(text).not.toContain(S001.name);
    expect(text).toContain('委托人身份证号36012119500101002X'); // the principal's, in full (intended on this letter)

    // a forged value is refused (the page never has one to give), as are the rows in another kind
    for (const [kind, spec] of [
      [AUTHORIZATION_KIND, withRow(letter(), AGENT_ID_ROW, S001.idNumber)],
      [AUTHORIZATION_KIND, withRow(letter(), AGENT_PHONE_ROW, S001.phone)],
      [AUTHORIZATION_KIND, { title: '授权委托书', blocks: [{ kind: 'title', text: '授权委托书' }] }],
      ['authorization', letter()],
    ] as const) {
      const bad = await t.call('documents.render', { kind, spec });
      expect(bad.ok).toBe(false);
      expect(!bad.ok && bad.error).toMatchObject({ code: 'DOCUMENT_SPEC_INVALID' });
      expect(!bad.ok && bad.error.userMessage).toBeUndefined(); // errors.DOCUMENT_SPEC_INVALID (renderer/i18n/main-errors.test.ts)
    }
    // a staff field on the page's side of the call is not who signs: main's session is
    const spoof = await t.call('documents.render', { kind: AUTHORIZATION_KIND, spec: letter() }, { ...t.clerk, staff: { id: 'S001', name: S001.name, role: 'counter', platformRole: 'counter' } } as CallerContext);
    expect(await t.text((spoof as { value: { documentId: string } }).value.documentId)).toContain(S002.idNumber);
    // the kiosk has nobody signed in: no letter naming an agent
    const kiosk = await t.call('documents.render', { kind: AUTHORIZATION_KIND, spec: letter() }, { ...t.clerk, role: 'kiosk' });
    expect(!kiosk.ok && kiosk.error.code).toBe('NOT_SIGNED_IN');
    await t.close();
    // logs say whether the values were there, never the values
    const log = lines.join('\n');
    expect(log).toContain('documents.agent-filled');
    for (const reason of ['value-given', 'rows-missing', 'rows-in-other-kind']) expect(lines.some((l) => l.includes('"documents.spec-refused"') && l.includes(`"reason":"${reason}"`)), reason).toBe(true);
    for (const s of DEMO_STAFF) expect(log).not.toContain(s.idNumber);
  }, 60_000);

  it('leaves a blank line to fill by hand when main does not know the ID number', async () => {
    const dataDir = tmp();
    const t = terminal(dataDir);
    expect(await t.staff.refreshRoster()).toBeGreaterThan(0); // main's roster pull fills the cache
    await t.close();
    // the same terminal with a cache from before staff ID numbers (v1: the members dropped)
    const { openSecretStore } = await import('../sync/secrets');
    const { store } = await openSecretStore({ dir: join(dataDir, 'secrets'), host: 'browser' });
    const cache = JSON.parse((await store.read('staff-cache'))!.toString('utf8'));
    expect(cache.staff.find((x: { id: string }) => x.id === 'S002').idNumber).toBe(S002.idNumber);
    for (const s of cache.staff) {
      delete s.idNumber;
      delete s.phone;
    }
    await store.write('staff-cache', Buffer.from(JSON.stringify({ ...cache, v: 1 })));
    const ctx = { config: TerminalConfig.parse({ role: 'clerk' }), log, events: createEventHub(log), dataDir, host: 'browser' as const };
    const staff = createStaffFeature(ctx, { platform: () => null, stationId: () => '360121201' });
    const docs = createDocumentFeature(ctx, { spooler, agentContact: (id) => staff.agentContact(id) });
    const r = await docs.handlers['documents.render']({ kind: AUTHORIZATION_KIND, spec: letter() } as never, { origin: 'app://terminal', role: 'clerk', senderId: 'w1', staff: { id: 'S002', name: S002.name, role: 'assistant', platformRole: 'clerk' } });
    const file = join(dataDir, 'blank.pdf');
    writeFileSync(file, (await docs.readDocument(r.documentId))!);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain(`受托人身份证号${BLANK_LINE}`);
    expect(text).toContain(`受托人联系电话${BLANK_LINE}`);
    expect(text).toContain(`受托人（代办员）${S002.name}（工号S002）`);
    expect(text).not.toContain(S002.idNumber);
    await staff.close();
  }, 60_000);
});
