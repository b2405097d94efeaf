import { describe, expect, it } from 'vitest';
import { bridgeIdCardEventSchema, idCardEventSchema, idCardJsonSchema } from './device-events';

const read = {
  cardType: 'resident', name: '张三', sex: 'male', nation: '汉', birthDate: '1950-01-01', address: '江西省南昌县', idNumber: '36012119500101001X',
  idNumberValid: true, issuingAuthority: '南昌县公安局', validFrom: '2010-01-01', validTo: 'long-term', cardVersion: '01',
  photoWlt: btoa('wlt'), fingerprints: btoa('fp'), warnings: [],
};

describe('device events (one definition for the manager and the bridge)', () => {
  it('the bridge form of a card read drops the raw photo, the fingerprints and card-management fields', () => {
    const full = idCardEventSchema.parse({ type: 'card', card: read, at: '2026-11-29T08:00:00.000Z' });
    const bridged = bridgeIdCardEventSchema.parse(full);
    expect(bridged.type).toBe('card');
    const card = (bridged as { card: Record<string, unknown> }).card;
    expect(card.name).toBe('张三');
    expect(card).not.toHaveProperty('photoWlt');
    expect(card).not.toHaveProperty('fingerprints');
    expect(card).not.toHaveProperty('cardVersion');
  });

  it('refuses malformed reads with a clear path', () => {
    const r = idCardJsonSchema.safeParse({ ...read, birthDate: '1950-1-1', photoWlt: 'not base64!' });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['birthDate', 'photoWlt']));
    expect(bridgeIdCardEventSchema.safeParse({ type: 'card', at: 'yesterday' }).success).toBe(false);
    expect(bridgeIdCardEventSchema.safeParse(null).success).toBe(false);
  });
});
