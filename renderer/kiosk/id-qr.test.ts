import { describe, expect, it } from 'vitest';
import { ID_QR_KIOSK_CODES, identityFromQr, kioskCodeOf, offlineKnown, precheckScan } from './id-qr';
import { ID_QR_REFUSAL_CODES, isIdQrRefusalCode } from '../../sync/protocol/id-qr';
import zh from '../i18n/locales/zh-CN.json';
import en from '../i18n/locales/en-US.json';

const SIG = 'A'.repeat(86);
const claims = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
const GOOD = { v: 1, iss: 'ref-platform', kid: 'AAAAAAAAAAA', jti: 'B'.repeat(22), iat: 1_800_000_000, exp: 1_800_000_090, hb: 'C'.repeat(22) };

describe('kiosk ID QR', () => {
  it('prechecks the shape: garbage, barcodes, wrong versions and huge texts never go to the platform', () => {
    expect(precheckScan(`TTID1.${claims(GOOD)}.${SIG}`)).toBeNull();
    expect(precheckScan('6901234567892')).toBe('ID_QR_MALFORMED');
    expect(precheckScan('TTID1.%%%.' + SIG)).toBe('ID_QR_MALFORMED');
    expect(precheckScan(`TTID2.${claims(GOOD)}.${SIG}`)).toBe('ID_QR_UNSUPPORTED_VERSION');
    expect(precheckScan(`TTID1.${claims({ ...GOOD, v: 3 })}.${SIG}`)).toBe('ID_QR_UNSUPPORTED_VERSION');
    expect(precheckScan('TTID1.' + 'x'.repeat(5000))).toBe('ID_QR_TOO_LONG');
    expect(precheckScan(String.fromCharCode(...Array.from({ length: 300 }, (_, i) => (i * 37) % 256)))).toBe('ID_QR_MALFORMED');
  });

  it('maps bridge and device codes to explained outcomes; every outcome has text in both locales', () => {
    expect(kioskCodeOf('ID_QR_REPLAYED')).toBe('ID_QR_REPLAYED');
    expect(kioskCodeOf('TIMEOUT')).toBe('ID_QR_NEEDS_NETWORK');
    expect(kioskCodeOf('SCAN_TOO_LONG')).toBe('ID_QR_TOO_LONG');
    expect(kioskCodeOf('SCAN_INCOMPLETE')).toBe('SCAN_GARBLED');
    expect(kioskCodeOf('WHATEVER')).toBe('FAILED');
    expect(kioskCodeOf(undefined)).toBe('FAILED');
    for (const locale of [zh, en]) {
      const errors = (locale.kiosk as unknown as { idQr: { errors: Record<string, { title: string; action: string }> } }).idQr.errors;
      for (const code of ID_QR_KIOSK_CODES) {
        expect(errors[code]?.title, code).toBeTruthy();
        expect(errors[code]?.action, code).toBeTruthy();
      }
    }
  });

  it("says every platform refusal by its code (main sends the code alone), with the words the kiosk showed before", () => {
    const errors = (zh.kiosk as unknown as { idQr: { errors: Record<string, { title: string; action: string }> } }).idQr.errors;
    for (const code of ID_QR_REFUSAL_CODES) {
      expect(kioskCodeOf(code)).toBe(code);
      expect(isIdQrRefusalCode(code)).toBe(true);
    }
    expect(`${errors.ID_QR_REPLAYED!.title}${errors.ID_QR_REPLAYED!.action}`).toMatch(/已使用过/);
    expect(errors.ID_QR_EXPIRED!.title).toBe('二维码已过期');
    expect(errors.ID_QR_FORGED!.action).toMatch(/签名无效/);
    expect(errors.ID_QR_MALFORMED!.title).toBe('不是电子身份证二维码');
    // garbage from the platform's envelope is no refusal code (and reads as FAILED at the kiosk)
    for (const junk of ['toString', '__proto__', 'hasOwnProperty', '', 'id_qr_forged', 'ID_QR_FORGED ', 5, null, undefined, {}, ['ID_QR_FORGED']]) {
      expect(isIdQrRefusalCode(junk), String(junk)).toBe(false);
    }
    expect(kioskCodeOf('constructor')).toBe('FAILED');
  });

  it('turns a redeemed holder into the same kiosk identity as a card (masked, age, elderly), marked as from a QR code', () => {
    const now = new Date('2026-12-05T02:00:00Z');
    const id = identityFromQr({ holder: { name: '王秀英', idNumber: '360121195203150026', sex: 'female', birthDate: '1952-03-15', address: '江西省南昌县', validTo: '2026-12-04' }, issuer: 'ref-platform', issuedAt: now.toISOString(), expiresAt: now.toISOString() }, now);
    expect(id).toEqual({ name: '王秀英', idNumber: '360121195203150026', maskedId: '3601**********0026', birthDate: '1952-03-15', age: 74, sex: 'female', address: '江西省南昌县', cardType: 'resident', expired: true, verified: true, via: 'id-qr' });
    expect(identityFromQr({ holder: { name: '李', idNumber: '360121199001010027', sex: 'male', birthDate: '1990-01-01', validTo: 'long-term' }, issuer: 'x', issuedAt: now.toISOString(), expiresAt: now.toISOString() }, now).expired).toBe(false);
  });

  it('says offline only when the sync state is known to be offline', () => {
    expect(offlineKnown(null)).toBe(false);
    expect(offlineKnown({ online: true })).toBe(false);
    expect(offlineKnown({ online: false })).toBe(true);
  });
});
