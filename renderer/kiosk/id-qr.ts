/**
 * 扫码认证 at the kiosk (pure; tested in id-qr.test.ts): what a scan becomes. The text is checked for
 * shape first (sync/protocol/id-qr.ts `parseIdQr`: garbage, a product barcode, a wrong version never
 * reach the platform); a well-formed code is redeemed online (`identity.redeemQr`) and the holder
 * becomes the resident's identity exactly as a card read does (same masking, memory only, same idle
 * wipe). Every outcome has an i18n key (`kiosk.idQr.errors.<code>`) with what happened and what to do.
 */
import { ID_QR_MAX_LENGTH, parseIdQr } from '../../sync/protocol/id-qr';
import { maskIdNumber } from '../../sync/protocol/mask';
import { stationDate } from '../../sync/protocol/station-time';
import type { IdQrIdentity } from '../../preload/contract/identity-calls';
import { stationTimeZone } from '../shared/station-zone';
import { ageOn, type KioskIdentity } from './identity';

/** Outcomes the kiosk explains (each has `kiosk.idQr.errors.<code>` in both locales). */
export const ID_QR_KIOSK_CODES = [
  'ID_QR_MALFORMED',
  'ID_QR_UNSUPPORTED_VERSION',
  'ID_QR_FORGED',
  'ID_QR_EXPIRED',
  'ID_QR_REPLAYED',
  'ID_QR_UNKNOWN',
  'ID_QR_NEEDS_NETWORK',
  'ID_QR_TOO_LONG',
  'SCAN_GARBLED',
  'NOT_ENROLLED',
  'FAILED',
] as const;
export type IdQrKioskCode = (typeof ID_QR_KIOSK_CODES)[number];

/** The code the kiosk shows for a bridge error code (unknown codes: FAILED). */
export function kioskCodeOf(code: string | undefined): IdQrKioskCode {
  if (code === 'TIMEOUT' || code === 'BRIDGE_UNAVAILABLE') return 'ID_QR_NEEDS_NETWORK';
  if (code === 'SCAN_INCOMPLETE') return 'SCAN_GARBLED';
  if (code === 'SCAN_TOO_LONG' || code === 'INVALID_INPUT') return 'ID_QR_TOO_LONG';
  return (ID_QR_KIOSK_CODES as readonly string[]).includes(code ?? '') ? (code as IdQrKioskCode) : 'FAILED';
}

/** Before any network: is this text an ID QR code at all? null = send it to the platform. */
export function precheckScan(text: string): IdQrKioskCode | null {
  if (text.length > ID_QR_MAX_LENGTH) return 'ID_QR_TOO_LONG';
  const r = parseIdQr(text);
  return r.ok ? null : r.code;
}

/** Whether the card-or-QR choice should say "needs the network" (only when known offline). */
export function offlineKnown(state: { online: boolean } | null): boolean {
  return state !== null && !state.online;
}

export function identityFromQr(r: IdQrIdentity, now = new Date()): KioskIdentity {
  const h = r.holder;
  const today = stationDate(now, stationTimeZone());
  return {
    name: h.name,
    idNumber: h.idNumber,
    maskedId: maskIdNumber(h.idNumber),
    birthDate: h.birthDate,
    age: ageOn(h.birthDate, now),
    sex: h.sex,
    ...(h.address ? { address: h.address } : {}),
    cardType: 'resident',
    expired: !!h.validTo && h.validTo !== 'long-term' && h.validTo < today,
    verified: true,
    via: 'id-qr',
  };
}
