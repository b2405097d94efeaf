// Staff ID numbers and phones on the platform: seeded, pulled by the station's terminals, and the
// platform's one way to change a staff document (an admin push) refuses garbage in them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffDoc, type StaffDoc } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { DEMO_STAFF } from '../seed/demo';
import { client, enroll, pullAll, type Client } from '../test/helpers';

describe('staff idNumber and phone on the platform', () => {
  let p: Platform;
  let a: Client;
  let admin: Client;
  beforeAll(async () => {
    p = await startPlatform({ seedDemo: true });
    a = await enroll(p, '360121201');
    admin = client(p.url, p.adminToken);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('the demo staff carry valid ID numbers and phones, pulled by their station', async () => {
    const { docs } = await pullAll(a, 'staff');
    const s2 = docs.find((d) => d.id === 'S002') as StaffDoc;
    const demo = DEMO_STAFF.find((s) => s.id === 'S002')!;
    expect(s2.idNumber).toBe(demo.idNumber);
    expect(s2.phone).toBe(demo.phone);
    for (const d of docs) expect(staffDoc.safeParse(d).success).toBe(true);
    expect(new Set(DEMO_STAFF.map((s) => s.idNumber)).size).toBe(DEMO_STAFF.length);
  });

  it('an admin push sets them; garbage is refused with an English message naming the field, and nothing changes', async () => {
    const { docs } = await pullAll(admin, 'staff');
    const cur = docs.find((d) => d.id === 'S001') as StaffDoc;
    const push = (next: Record<string, unknown>, assumed: unknown = cur) => admin.push('staff', [{ assumedMasterState: assumed, newDocumentState: next }]);
    for (const [patch, field, message] of [
      [{ idNumber: '360121198503120028' }, 'idNumber', /check digit/],
      [{ idNumber: '3601211985031200271' }, 'idNumber', /18/],
      [{ idNumber: 360121198503120000 }, 'idNumber', /string/],
      [{ phone: '1390791' }, 'phone', /mainland mobile/],
      [{ phone: '<script>' }, 'phone', /mainland mobile/],
      [{ phone: 13907910001 }, 'phone', /string/],
    ] as const) {
      const r = await push({ ...cur, ...patch });
      expect(r.written).toBe(0);
      expect(r.rejections).toHaveLength(1);
      expect(r.rejections[0]!.code).toBe('INVALID_DOCUMENT');
      expect(r.rejections[0]!.message).toContain(field);
      expect(r.rejections[0]!.message).toMatch(message);
      // the value is never echoed back
      const v = String(Object.values(patch)[0]);
      expect(r.rejections[0]!.message).not.toContain(v);
    }
    const after = (await pullAll(admin, 'staff')).docs.find((d) => d.id === 'S001');
    expect(after.idNumber).toBe(cur.idNumber);

    const r = await push({ ...cur, idNumber: '11010519491231002X', phone: '0791-86123456-12', updatedAt: new Date().toISOString() });
    expect(r.rejections).toEqual([]);
    expect(r.written).toBe(1);
    const changed = (await pullAll(a, 'staff')).docs.find((d) => d.id === 'S001');
    expect(changed).toMatchObject({ idNumber: '11010519491231002X', phone: '0791-86123456-12' });
  });
});
