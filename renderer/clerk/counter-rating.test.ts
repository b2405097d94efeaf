/** 好差评 at the counter after 办结, stored on a real (memory) RxDB. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluationDoc as evaluationSchemaDoc, exampleQueueTicket, uuidv7 } from '../../sync/protocol';
import type { TerminalDatabase } from '../db/database';
import { memoryDb } from '../db/test-helpers';
import { COUNTER_REASONS, saveCounterRating } from './counter-rating';

let db: TerminalDatabase;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(async () => {
  await db.close();
});

const ticket = exampleQueueTicket({ stationId: '360121100', number: 'A007', status: 'done', serviceItemCode: 'MZ01', applicationId: uuidv7() });
const stored = async () => (await db.evaluations.find().exec()).map((d) => d.toMutableJSON());

describe('counter rating (叫号 → 办结 → 好差评)', () => {
  it('stores a rating linked to the ticket and its application, by the serving staff member, under this station', async () => {
    const doc = await saveCounterRating(db, '360121201', { level: 4, reasons: ['服务态度'], ticket, staffId: 'S002' }, new Date('2026-12-05T02:00:00.000Z'));
    expect(doc).toMatchObject({
      stationId: '360121201', level: 4, reasons: [], comment: null, channel: 'counter_device', staffId: 'S002',
      ticketId: ticket.id, applicationId: ticket.applicationId, serviceItemCode: 'MZ01', indicators: ['整体满意度'], createdAt: '2026-12-05T02:00:00.000Z',
    });
    expect(evaluationSchemaDoc.safeParse(doc).success).toBe(true);
    expect(await stored()).toEqual([expect.objectContaining({ id: doc.id, level: 4, channel: 'counter_device' })]);
  });

  it('a bad rating keeps its reasons; without a station id from main the ticket’s station stands in', async () => {
    const doc = await saveCounterRating(db, null, { level: 1, reasons: [COUNTER_REASONS[0]!.value, COUNTER_REASONS[4]!.value], ticket: { ...ticket, applicationId: null, serviceItemCode: null }, staffId: null });
    expect(doc).toMatchObject({ stationId: '360121100', level: 1, reasons: ['办事流程', '服务态度'], applicationId: null, serviceItemCode: null, staffId: null });
  });

  it('refuses a bad rating without a reason and a level outside 1–5; nothing is stored', async () => {
    await expect(saveCounterRating(db, '360121201', { level: 2, reasons: [], ticket, staffId: 'S002' })).rejects.toThrow('a bad rating needs a reason');
    for (const level of [0, 6, 2.5, Number.NaN, -1]) {
      await expect(saveCounterRating(db, '360121201', { level, reasons: ['服务态度'], ticket, staffId: 'S002' })).rejects.toThrow('a rating level is 1 to 5');
    }
    expect(await stored()).toEqual([]);
  });
});
