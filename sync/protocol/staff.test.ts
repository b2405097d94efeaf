// The staff document's ID number and phone (stated on the 授权委托书 the person signs as 受托人).
import { describe, expect, it } from 'vitest';
import { mainlandPhone, residentIdNumber, staffDoc } from './documents';
import { DEMO_STAFF } from '../server/seed/demo';

const base = { id: 'S900', _deleted: false, updatedAt: '2026-01-01T00:00:00.000Z', name: '测试代办员', role: 'clerk', stations: ['360121201'], active: true, pinVerifier: null };
const GOOD_ID = '360121199007260041';

const problems = (doc: unknown) => {
  const r = staffDoc.safeParse(doc);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('staffDoc idNumber and phone', () => {
  it('are optional: a document without them (every staff doc before this change) still parses', () => {
    expect(problems(base)).toBeNull();
  });

  it('accepts valid ID numbers (check digit 0–9 and X) and mainland mobile or landline numbers', () => {
    for (const idNumber of [GOOD_ID, '11010519491231002X', ...DEMO_STAFF.map((s) => s.idNumber)]) expect(problems({ ...base, idNumber })).toBeNull();
    for (const phone of ['13907910002', '19912345678', '0791-85710003', '079185710003', '010-12345678', '0791-8571000-123', ...DEMO_STAFF.map((s) => s.phone)]) expect(problems({ ...base, phone })).toBeNull();
  });

  it('refuses ID-number garbage with an English message naming the field', () => {
    const cases: [unknown, RegExp][] = [
      ['360121199007260042', /check digit/], // last digit off by one
      ['11010519491231002x', /uppercase X/], // lowercase x
      [GOOD_ID + '1', /18/], // too long
      ['36012119900726004', /18-character/], // too short
      ['360121199013260041', /18-character/], // month 13
      ['０６０１２１１９９００７２６００４１', /18-character/], // full-width digits
      [' 360121199007260041', /18-character/],
      ['x'.repeat(100_000), /18/],
      ['', /18-character/],
      [360121199007260000, /string/],
      [null, /string/],
      [['360121199007260041'], /string/],
      [{ value: GOOD_ID }, /string/],
    ];
    for (const [idNumber, message] of cases) {
      const p = problems({ ...base, idNumber });
      expect(p, JSON.stringify(idNumber).slice(0, 40)).toMatch(/^idNumber: /);
      expect(p).toMatch(message);
    }
    expect(residentIdNumber.safeParse('360121199007260042').success).toBe(false);
  });

  it('refuses phone garbage', () => {
    for (const phone of ['1390791000', '139079100021', '12907910002', '23907910002', '0791-0571000', '791-85710003', '+8613907910002', '139 0791 0002', '1390791000２', '13907910002\n', 'tel:13907910002', '0'.repeat(21), 'x'.repeat(10_000), '', 13907910002, null, ['13907910002']]) {
      const p = problems({ ...base, phone });
      expect(p, String(phone).slice(0, 40)).toMatch(/^phone: /);
    }
    expect(mainlandPhone.safeParse('13907910002').success).toBe(true);
  });

  it('stays strict: no other personal members ride along', () => {
    expect(problems({ ...base, idNumber: GOOD_ID, address: '南昌县' })).toMatch(/address|Unrecognized/);
  });
});
