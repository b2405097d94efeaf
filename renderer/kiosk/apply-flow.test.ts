import { afterEach, describe, expect, it } from 'vitest';
import type { FormSchemaDoc, ServiceItemDoc } from '../../sync/protocol';
import { memoryDb, TEST_SALT } from '../db/test-helpers';
import type { TerminalDatabase } from '../db/database';
import { emptyLicenceState } from '../licences/lookup';
import { ApplyOpenError, createDraftWriter, draftContentOf, fileApplication, firstStepWithErrors, openApplication, type ApplyDeps, type ApplyJourney } from './apply-flow';
import { identityFromManual, type KioskIdentity } from './identity';
import type { KioskCatalog } from './kiosk-store';
// eslint-disable-next-line no-restricted-imports
import { demoCatalog, demoFormSamples } from '../../sync/server/seed/catalog';

let db: TerminalDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const { items, forms } = demoCatalog();
const item = items.find((i) => i.code === 'YB01')!;
const sample = demoFormSamples().find((s) => s.form.id === `${item.formId}@${item.formVersion}`)!.data;
const CARD: KioskIdentity = { ...identityFromManual('王建国', '360102199003071236'), cardType: 'resident', sex: 'male', verified: true, address: '江西省南昌县莲塘镇' };
const NOW = new Date('2026-12-05T23:52:00Z'); // 12月6日 07:52 at the station

function catalogOf(list: ServiceItemDoc[], formList: FormSchemaDoc[]): KioskCatalog {
  return {
    items: list,
    byCode: new Map(list.map((i) => [i.code, i])),
    index: null as never,
    form: async (i) => formList.find((f) => f.id === `${i.formId}@${i.formVersion}`) ?? null,
  };
}

/** The journey store's shape, as a plain object (the Pinia store's startService semantics). */
function journeyOf(identity: KioskIdentity | null): ApplyJourney {
  const j: ApplyJourney = {
    identity, serviceCode: null, tongban: null, formData: {}, prefilled: [], step: 0, draftId: null, licences: emptyLicenceState(),
    startService(code) {
      if (j.serviceCode !== code) Object.assign(j, { serviceCode: code, tongban: null, draftId: null, formData: {}, prefilled: [], step: 0 });
    },
  };
  return j;
}

async function depsOf(status: Partial<Awaited<ReturnType<ApplyDeps['status']>>> = {}): Promise<ApplyDeps> {
  db ??= await memoryDb();
  const store = { db, idHashSalt: TEST_SALT };
  return {
    store: async () => store,
    catalog: async () => catalogOf(items, forms),
    status: async () => ({ stationId: '360121201', terminalId: 'kiosk-1', online: true, ...status }),
    now: () => NOW,
  };
}

describe('kiosk apply flow', () => {
  it('opens the form prefilled from a verified card (those fields locked), dates on the station’s today', async () => {
    const deps = await depsOf();
    const journey = journeyOf(CARD);
    const opened = await openApplication(deps, journey, 'YB01');
    expect(opened.item.code).toBe('YB01');
    expect(opened.resumed).toBe(false);
    expect(opened.timeZone).toBe('Asia/Shanghai');
    expect(journey.serviceCode).toBe('YB01');
    expect(journey.formData['applicantName']).toBe('王建国');
    expect(journey.formData['idNumber']).toBe('360102199003071236');
    expect(journey.prefilled).toEqual(expect.arrayContaining(['applicantName', 'idNumber']));
    const dates = Object.values(journey.formData).filter((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v));
    for (const d of dates) if (d !== '1990-03-07') expect(d).toBe('2026-12-06');
  });

  it('a typed identity prefills the number only and locks nothing', async () => {
    const journey = journeyOf(identityFromManual('李四', '360102199003071236'));
    await openApplication(await depsOf(), journey, 'YB01');
    expect(journey.prefilled).toEqual([]);
    expect(journey.formData['idNumber']).toBe('360102199003071236');
  });

  it('refuses what it cannot open: no identity, unknown item, missing form', async () => {
    const deps = await depsOf();
    await expect(openApplication(deps, journeyOf(null), 'YB01')).rejects.toThrow(/no identity/);
    await expect(openApplication(deps, journeyOf(CARD), 'NOPE')).rejects.toMatchObject({ code: 'NO_ITEM' });
    await expect(openApplication({ ...deps, catalog: async () => catalogOf(items, []) }, journeyOf(CARD), 'YB01')).rejects.toBeInstanceOf(ApplyOpenError);
    await expect(openApplication({ ...deps, catalog: async () => catalogOf(items, []) }, journeyOf(CARD), 'YB01')).rejects.toMatchObject({ code: 'NO_FORM' });
  });

  it('drafts: writes never cross (one draft for many concurrent saves); the same card resumes it, the card’s fields winning', async () => {
    const deps = await depsOf();
    const first = journeyOf(CARD);
    const opened = await openApplication(deps, first, 'YB01');
    first.formData = { ...first.formData, ...sample, applicantName: '王建国', idNumber: CARD.idNumber, phone: '13800138000' };
    const persist = createDraftWriter(deps, first, () => draftContentOf(opened.model, opened.item, first.identity, first.formData));
    const ids = await Promise.all(Array.from({ length: 6 }, () => persist()));
    expect(new Set(ids).size).toBe(1);
    expect(await db!.kiosk_drafts.count().exec()).toBe(1);

    // Later, a new session with the same card: the draft resumes; a tampered name in it loses to the card.
    const draft = await db!.kiosk_drafts.findOne(ids[0]!).exec();
    await draft!.incrementalPatch({ formData: { ...draft!.formData, applicantName: '别人' } });
    const again = journeyOf(CARD);
    const reopened = await openApplication(deps, again, 'YB01');
    expect(reopened.resumed).toBe(true);
    expect(again.draftId).toBe(ids[0]);
    expect(again.formData['phone']).toBe('13800138000');
    expect(again.formData['applicantName']).toBe('王建国');
    // Another card finds nothing.
    expect((await openApplication(deps, journeyOf({ ...CARD, idNumber: '110105194912310021' }), 'YB01')).resumed).toBe(false);
  });

  it('drafts: a terminal not enrolled stores nothing and says so; no form, no write', async () => {
    const deps = await depsOf({ stationId: null });
    const journey = journeyOf(CARD);
    const opened = await openApplication(deps, journey, 'YB01');
    const persist = createDraftWriter(deps, journey, () => draftContentOf(opened.model, opened.item, journey.identity, journey.formData));
    await expect(persist()).rejects.toThrow('not enrolled');
    // the chain goes on after a failure
    await expect(persist()).rejects.toThrow('not enrolled');
    await expect(createDraftWriter(deps, journey, () => null)()).rejects.toThrow('no form');
    expect(draftContentOf(null, opened.item, CARD, {})).toBeNull();
    expect(await db!.kiosk_drafts.count().exec()).toBe(0);
  });

  it('files: errors send the resident to the first step with one; a valid form becomes the application (same id as its draft), with its 通办 division', async () => {
    const deps = await depsOf({ online: false });
    const journey = journeyOf(CARD);
    const opened = await openApplication(deps, journey, 'YB01');
    const bad = firstStepWithErrors(opened.model, {});
    expect(bad?.errors.length).toBeGreaterThan(0);
    expect(bad?.step).toBe(0);

    journey.formData = { ...journey.formData, ...sample, applicantName: '王建国', idNumber: CARD.idNumber, phone: '13800138000' };
    expect(firstStepWithErrors(opened.model, journey.formData)).toBeNull();
    journey.tongban = { scope: 'cross_province', divisionCode: '440305', divisionName: '广东省深圳市南山区' };
    const persist = createDraftWriter(deps, journey, () => draftContentOf(opened.model, opened.item, journey.identity, journey.formData));
    const draftId = await persist();
    const done = await fileApplication(deps, journey, { item: opened.item, model: opened.model, data: journey.formData, persist });
    expect(done.applicationId).toBe(draftId);
    expect(done.offline).toBe(true);
    expect(done.submittedAt).toBe(NOW.toISOString());
    expect(done.tongban).toEqual(journey.tongban);
    expect(journey.draftId).toBeNull();
    expect(done.formSections.flatMap((s) => s.fields).find((f) => f.mask === 'id')).toBeDefined();
    const stored = await db!.applications.findOne(draftId).exec();
    expect(stored?.status).toBe('submitted');
    expect(stored?.tongban?.divisionCode).toBe('440305');
    expect(await db!.kiosk_drafts.count().exec()).toBe(0);
  });

  it('files: a 通办 choice made for another service does not travel with this one', async () => {
    const deps = await depsOf();
    const journey = journeyOf(CARD);
    const opened = await openApplication(deps, journey, 'YB01');
    journey.formData = { ...journey.formData, ...sample, applicantName: '王建国', idNumber: CARD.idNumber, phone: '13800138000' };
    journey.tongban = { scope: 'cross_province', divisionCode: '440305', divisionName: '广东省深圳市南山区' };
    journey.serviceCode = 'YB02';
    const persist = createDraftWriter(deps, journey, () => draftContentOf(opened.model, opened.item, journey.identity, journey.formData));
    const done = await fileApplication(deps, journey, { item: opened.item, model: opened.model, data: journey.formData, persist });
    expect(done.tongban).toBeUndefined();
    expect((await db!.applications.findOne(done.applicationId).exec())?.tongban).toBeUndefined();
  });
});
