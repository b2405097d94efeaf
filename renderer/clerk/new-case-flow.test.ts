import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../sync/protocol';
import { memoryDb, TEST_SALT } from '../db/test-helpers';
import type { TerminalDatabase } from '../db/database';
import { createDraft } from '../db/applications';
import { counterDraftInput, fileCounterCase, type CounterCase, type FileDeps } from './new-case-flow';

let db: TerminalDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const caseOf = (over: Partial<CounterCase> = {}): CounterCase => ({
  caseId: uuidv7(),
  card: { name: '雷𠈌英', idNumber: '360102199003071236', cardType: 'resident', address: '江西省南昌县莲塘镇' },
  item: { code: 'MZ01', formId: 'MZ01', formVersion: 1 },
  formData: { applicantName: '雷𠈌英', reason: '生活困难' },
  assistant: { id: 'demo-assistant', name: '刘代办' },
  auth: { relation: ' 村代办员 ', reason: ' 行动不便 ', scope: ['submit', 'collect_result'], validFrom: '2026-12-06', validUntil: '', subDelegation: false },
  letter: { sha256: 'a'.repeat(64), signedAt: '2026-12-05T23:55:00.000Z' },
  materials: [],
  ...over,
});

async function depsOf(status: Partial<Awaited<ReturnType<FileDeps['status']>>> = {}): Promise<FileDeps> {
  db ??= await memoryDb();
  const store = { db, idHashSalt: TEST_SALT };
  return { store: async () => store, status: async () => ({ stationId: '360121201', terminalId: 'counter-1', online: true, ...status }) };
}

describe('帮代办 filing at the counter', () => {
  it('files one application under the 委托书’s id: applicant from the card, the assistant as agent, the authorization', async () => {
    const c = caseOf();
    const { application, online } = await fileCounterCase(await depsOf(), c);
    expect(online).toBe(true);
    expect(application).toMatchObject({
      id: c.caseId, status: 'submitted', channel: 'counter', serviceItemCode: 'MZ01', terminalId: 'counter-1',
      agent: { kind: 'village_assistant', staffId: 'demo-assistant', name: '刘代办', relation: '村代办员' },
      authorization: { scope: ['submit', 'collect_result'], reason: '行动不便', validUntil: null, letterSha256: 'a'.repeat(64) },
    });
    expect(application.applicant).toMatchObject({ name: '雷𠈌英', idType: 'resident_id', idNumber: '360102199003071236' });
    expect(await db!.applications.count().exec()).toBe(1);
  });

  it('offline: the channel says field; a terminal not enrolled files nothing', async () => {
    expect((await fileCounterCase(await depsOf({ online: false }), caseOf())).application.channel).toBe('field');
    await expect(fileCounterCase(await depsOf({ stationId: null }), caseOf())).rejects.toThrow('NOT_ENROLLED');
    expect(await db!.applications.count().exec()).toBe(1);
  });

  it('a retry after a failed submit updates the first attempt’s draft: one application, the corrected form', async () => {
    const deps = await depsOf();
    const c = caseOf();
    // the first attempt wrote its draft, then failed before submitting
    await createDraft(db!, counterDraftInput(c, { stationId: '360121201', terminalId: 'counter-1', online: true }), TEST_SALT);
    const { application } = await fileCounterCase(deps, { ...c, formData: { applicantName: '雷𠈌英', reason: '因病致贫' } });
    expect(application.id).toBe(c.caseId);
    expect(application.status).toBe('submitted');
    expect((await db!.applications.findOne(c.caseId).exec())?.formData).toEqual({ applicantName: '雷𠈌英', reason: '因病致贫' });
    expect(await db!.applications.count().exec()).toBe(1);
  });

  it('an authorization with no known scope is refused; unknown scope names are dropped', async () => {
    const station = { stationId: '360121201', terminalId: null, online: true };
    expect(() => counterDraftInput(caseOf({ auth: { ...caseOf().auth, scope: [] } }), station)).toThrow(/no scope/);
    expect(() => counterDraftInput(caseOf({ auth: { ...caseOf().auth, scope: ['everything', '<script>'] } }), station)).toThrow(/no scope/);
    const input = counterDraftInput(caseOf({ auth: { ...caseOf().auth, scope: ['submit', 'everything'], reason: 'x'.repeat(400) } }), station);
    expect(input.authorization?.scope).toEqual(['submit']);
    expect(input.authorization?.reason).toHaveLength(300);
    expect(input).not.toHaveProperty('terminalId');
  });
});
