// station_config v0 → v1 → v2: the optional station time zone, then the optional queue policy.
// queue_tickets v0 → v1: the optional transfer / reservation / lease members of the platform's queue.
// Old documents keep every member; pulled documents with the new members are stored with them.
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase } from 'rxdb';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { MIGRATIONS, queueTicketSchemaV0, stationConfigSchemaV0, stationConfigSchemaV1 } from './migrations';
import { queueTicketSchema, stationConfigSchema } from './schemas';
import { exampleQueueTicket } from '../../sync/protocol';
import { createStorage } from './storage';
import { TEST_PASSWORD } from './test-helpers';

const open: TerminalDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

const config = {
  id: 'S360121001',
  updatedAt: '2026-12-04T23:30:00.000Z',
  stationId: 'S360121001',
  name: '莲塘镇便民服务中心',
  divisionCode: '360121100',
  level: 'township',
  windows: [{ id: '1', name: '1号窗口', categories: ['A'] }],
  queueCategories: [{ code: 'A', name: '综合受理', prefix: 'A' }],
  kioskContent: { welcome: '欢迎', notices: [] },
  retentionDays: 30,
};

describe('station_config migration', () => {
  it('is version 2 with a strategy per step and the earlier schemas kept', () => {
    expect(stationConfigSchema.version).toBe(2);
    expect(MIGRATIONS.station_config?.[1]).toBeTypeOf('function');
    expect(MIGRATIONS.station_config?.[2]).toBeTypeOf('function');
    expect(stationConfigSchemaV0.properties).not.toHaveProperty('timeZone');
    expect(stationConfigSchemaV1.properties).toHaveProperty('timeZone');
    expect(stationConfigSchemaV1.properties).not.toHaveProperty('queuePolicy');
  });

  it('migrates a v1 document and stores a queue policy on new ones', async () => {
    const name = `scmig1${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ station_config: { schema: stationConfigSchemaV1, migrationStrategies: { 1: (d: unknown) => d } } });
    await old.station_config!.insert({ ...config, timeZone: 'Asia/Shanghai' } as never);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    expect((await db.station_config.findOne(config.id).exec())!.toJSON()).toMatchObject({ ...config, timeZone: 'Asia/Shanghai' });
    await db.station_config.upsert({ ...config, queuePolicy: { priorityRatio: 3, maxRecall: 2 } } as never);
    expect((await db.station_config.findOne(config.id).exec())!.toJSON()).toMatchObject({ queuePolicy: { priorityRatio: 3, maxRecall: 2 } });
  });

  it('queue_tickets v0 → v1 keeps old tickets and stores the queue members', async () => {
    expect(queueTicketSchema.version).toBe(1);
    expect(MIGRATIONS.queue_tickets?.[1]).toBeTypeOf('function');
    const name = `qtmig${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ queue_tickets: { schema: queueTicketSchemaV0 } });
    const ticket = exampleQueueTicket({ number: 'A007' });
    await old.queue_tickets!.insert(ticket as never);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const got = (await db.queue_tickets.findOne(ticket.id).exec())!.toJSON() as Record<string, unknown>;
    const { _deleted: _d, ...kept } = ticket;
    expect(got).toMatchObject(kept);
    expect(got.transferredFrom).toBeUndefined();
    const moved = { ...ticket, category: 'social', transferredFrom: 'general', reservedWindow: '2', leased: false };
    await db.queue_tickets.upsert(moved as never);
    expect((await db.queue_tickets.findOne(ticket.id).exec())!.toJSON()).toMatchObject({ transferredFrom: 'general', reservedWindow: '2', leased: false });
  });

  it('keeps an old document as it was and stores a time zone on new ones', async () => {
    const name = `scmig${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ station_config: { schema: stationConfigSchemaV0 } });
    await old.station_config!.insert(config as never);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const got = (await db.station_config.findOne(config.id).exec())!.toJSON() as Record<string, unknown>;
    expect(got).toMatchObject(config);
    expect(got.timeZone).toBeUndefined();
    await db.station_config.upsert({ ...config, timeZone: 'Asia/Urumqi' } as never);
    expect((await db.station_config.findOne(config.id).exec())!.toJSON()).toMatchObject({ timeZone: 'Asia/Urumqi' });
  });
});
