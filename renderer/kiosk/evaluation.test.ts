// Issue 12 item 8: rating with reason chips threw "BroadcastChannel … could not be cloned" and stored serviceItemCode null.
import { describe, expect, it } from 'vitest';
import { reactive, ref } from 'vue';
import { freshDatabases } from '../db/test-helpers';
import { createDraft } from '../db/applications';
import zh from '../i18n/locales/zh-CN.json';
import en from '../i18n/locales/en-US.json';
import { alreadyRated, BAD_RATING_REASONS, COMMENT_MAX, evaluationDoc, limitComment, needsReason, ratingReasons, saveRating, serviceItemOf, WRITTEN_REASON } from './evaluation';

const fresh = freshDatabases();

describe('kiosk 好差评 record', () => {
  it("stores the spec's Chinese reason names (protocol values, unchanged) and shows each by code in the UI language", () => {
    expect(BAD_RATING_REASONS.map((r) => r.value)).toEqual(['办事流程', '办事材料', '服务效率', '跑动次数', '服务态度', '服务水平', '办事指南精确度', '平台操作性']);
    expect(WRITTEN_REASON).toBe('其他意见');
    const words = (locale: unknown, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], locale);
    // zh-CN shows exactly the words the chips showed before (the stored values)
    for (const r of BAD_RATING_REASONS) expect(words(zh, r.key), r.code).toBe(r.value);
    for (const r of BAD_RATING_REASONS) expect(words(en, r.key), r.code).toMatch(/^[A-Z][a-z ]+$/);
    expect(new Set(BAD_RATING_REASONS.map((r) => r.code)).size).toBe(BAD_RATING_REASONS.length);
  });

  it('is plain, cloneable data even when the reasons come from a reactive array', () => {
    const chips = ref<string[]>([]);
    chips.value = [...chips.value, '服务效率', '服务态度'];
    expect(() => structuredClone(chips.value)).toThrow(); // what the page used to store
    const doc = evaluationDoc({ stationId: '360121201', level: 1, reasons: chips.value, comment: null, applicationId: null, ticketId: null, serviceItemCode: null });
    expect(() => structuredClone(doc)).not.toThrow();
    expect(doc.reasons).toEqual(['服务效率', '服务态度']);
    const fromReactive = evaluationDoc({ stationId: 's', level: 2, reasons: reactive(['办事流程']), comment: 'x', applicationId: null, ticketId: null, serviceItemCode: null });
    expect(() => structuredClone(fromReactive)).not.toThrow();
  });

  it('knows the service item of an application rated from 进度查询', async () => {
    const db = await fresh();
    const a = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ01', formId: 'MZ01', formVersion: 1, channel: 'counter', applicant: null }, 'a'.repeat(64));
    expect(await serviceItemOf(db, a.id, null)).toBe('MZ01');
    expect(await serviceItemOf(db, a.id, { applicationId: 'other', serviceCode: 'YB01' })).toBe('MZ01');
    expect(await serviceItemOf(db, 'x', { applicationId: 'x', serviceCode: 'YB01' })).toBe('YB01');
    expect(await serviceItemOf(db, '019a1b2c-3d4e-7f00-8a00-0123456789ab', null)).toBeNull();
    expect(await serviceItemOf(db, null, null)).toBeNull();
    // and the record validates in the store
    await db.evaluations.insert(evaluationDoc({ stationId: '360121201', level: 1, reasons: ref(['服务态度']).value, comment: null, applicationId: a.id, ticketId: null, serviceItemCode: 'MZ01' }) as never);
    expect((await db.evaluations.findOne({ selector: { applicationId: a.id } }).exec())?.serviceItemCode).toBe('MZ01');
  });
});

describe('kiosk 好差评 rules', () => {
  it('reasons: none for a good rating; picked or 其他意见 for a bad one; null when a bad one has neither', () => {
    expect(ratingReasons(5, ['服务态度'], '')).toEqual([]);
    expect(ratingReasons(3, [], '')).toEqual([]);
    expect(ratingReasons(2, ['服务效率'], '慢')).toEqual(['服务效率']);
    expect(ratingReasons(1, [], '  排队太久  ')).toEqual([WRITTEN_REASON]);
    expect(ratingReasons(1, [], '   ')).toBeNull();
    expect(needsReason(null)).toBe(false);
    expect(limitComment('𠈌'.repeat(COMMENT_MAX + 3))).toBe('𠈌'.repeat(COMMENT_MAX));
  });

  it('saves once per application, with its service item; refuses garbage and stores nothing then', async () => {
    const db = await fresh();
    const a = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ01', formId: 'MZ01', formVersion: 1, channel: 'counter', applicant: null }, 'a'.repeat(64));
    const input = { level: 1, reasons: [], comment: '排队时间太长了', applicationId: a.id, ticketId: null, submitted: null };
    for (const [stationId, bad, message] of [
      ['360121201', { level: 0 }, /1 to 5/],
      ['360121201', { level: 6 }, /1 to 5/],
      ['360121201', { level: 2.5 }, /1 to 5/],
      ['360121201', { level: Number.NaN }, /1 to 5/],
      ['360121201', { comment: ' ' }, /needs a reason/],
      [null, {}, /not enrolled/],
    ] as const) {
      await expect(saveRating(db, stationId, { ...input, ...bad })).rejects.toThrow(message);
    }
    expect(await alreadyRated(db, a.id)).toBe(false);
    const doc = await saveRating(db, '360121201', { ...input, comment: ` ${'长'.repeat(600)} ` });
    expect(doc).toMatchObject({ level: 1, reasons: [WRITTEN_REASON], serviceItemCode: 'MZ01', channel: 'kiosk' });
    expect([...doc.comment!].length).toBe(COMMENT_MAX);
    expect(await alreadyRated(db, a.id)).toBe(true);
    expect(await db.evaluations.count().exec()).toBe(1);
  });
});
