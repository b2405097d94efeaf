// station_config v0 → v1: the optional station time zone. Old documents keep every member; a pulled
// document with a time zone is stored with it.
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase } from 'rxdb';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { MIGRATIONS, stationConfigSchemaV0 } from './migrations';
import { stationConfigSchema } from './schemas';
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
  it('is version 1 with a strategy and the v0 schema kept', () => {
    expect(stationConfigSchema.version).toBe(1);
    expect(MIGRATIONS.station_config?.[1]).toBeTypeOf('function');
    expect(stationConfigSchemaV0.properties).not.toHaveProperty('timeZone');
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
