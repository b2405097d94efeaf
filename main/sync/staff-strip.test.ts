/**
 * Staff documents reach the renderer without what stays in main: the PIN verifier (blanked), the
 * person's ID number and phone (removed). The platform does send them (checked here too, so the
 * test would notice a strip that no longer has anything to strip).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { DEMO_STAFF } from '../../sync/server/seed/demo';
import { staffDoc } from '../../sync/protocol';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import type { CallerContext } from '../core/dispatcher';
import { createSyncFeature, forRenderer, STAFF_MAIN_ONLY } from './feature';

const caller: CallerContext = { origin: 'test', role: 'clerk', senderId: 't' };

describe('forRenderer', () => {
  it('blanks the verifier and removes idNumber and phone, whatever else the document holds', () => {
    const doc = { id: 'S1', name: 'n', pinVerifier: { algorithm: 'scrypt' }, idNumber: '360121199007260041', phone: '13907910002', other: 1 };
    expect(forRenderer(doc)).toEqual({ id: 'S1', name: 'n', pinVerifier: null, other: 1 });
    expect(doc.idNumber).toBe('360121199007260041'); // the input is not changed
    expect(forRenderer({ id: 'S1' })).toEqual({ id: 'S1' });
    // garbage values are removed the same way
    for (const v of [null, 0, '', [], {}, 'x'.repeat(10_000)]) expect(Object.keys(forRenderer({ id: 'S1', idNumber: v, phone: v, pinVerifier: v }))).toEqual(['id', 'pinVerifier']);
    expect(STAFF_MAIN_ONLY).toEqual(['idNumber', 'phone']);
  });
});

describe('sync.pull of staff', () => {
  let platform: Platform;
  let dir: string;
  beforeAll(async () => {
    platform = await startPlatform({ seedDemo: true });
    dir = mkdtempSync(join(tmpdir(), 'sync-strip-'));
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the renderer staff documents without verifier, ID number or phone', async () => {
    const log = createLogger({ level: 'debug', stderr: false, sink: () => undefined });
    const config = TerminalConfig.parse({ role: 'clerk', platform: { url: platform.url, enrollCode: await platform.createEnrollCode('360121201') } });
    const f = createSyncFeature({ config, log, events: createEventHub(log), dataDir: dir, host: 'browser' }, { timeoutMs: 5000 });
    await f.start();
    await f.ready();
    try {
      // what the platform sends to this terminal carries them
      const raw = await f.platform()!.pull('staff', null, 100);
      const s2raw = raw.documents.find((d) => d.id === 'S002')!;
      expect(s2raw).toMatchObject({ idNumber: DEMO_STAFF[1]!.idNumber, phone: DEMO_STAFF[1]!.phone });
      expect(s2raw.pinVerifier).not.toBeNull();

      const r = await f.handlers['sync.pull']({ collection: 'staff', checkpoint: null, limit: 100 }, caller);
      expect(r.documents.length).toBe(raw.documents.length);
      for (const d of r.documents) {
        expect(d).not.toHaveProperty('idNumber');
        expect(d).not.toHaveProperty('phone');
        expect(d.pinVerifier).toBeNull();
        expect(staffDoc.safeParse(d).success).toBe(true);
      }
      const text = JSON.stringify(r);
      for (const s of DEMO_STAFF) {
        expect(text).not.toContain(s.idNumber);
        expect(text).not.toContain(s.phone);
      }
      expect(r.documents.find((d) => d.id === 'S002')).toMatchObject({ name: DEMO_STAFF[1]!.name, stations: ['360121201'], active: true });
    } finally {
      await f.close();
    }
  }, 60_000);
});
