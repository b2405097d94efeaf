/**
 * From an ID card read to the kiosk's view of the resident (pure; tested in identity.test.ts):
 * name, masked number, age, whether the card has expired, whether to offer elderly mode.
 * The full number stays in memory for prefill and lookups; the screen shows only the masked one.
 */
import { maskIdNumber } from '../../sync/protocol/mask';
import { stationClock, stationDate } from '../../sync/protocol/station-time';
import { stationTimeZone } from '../shared/station-zone';
import type { IdCard } from '../../preload/contract/device-calls';

export const ELDERLY_AGE = 70;

export interface KioskIdentity {
  name: string;
  idNumber: string;
  maskedId: string;
  birthDate: string | null;
  age: number | null;
  sex: IdCard['sex'];
  address?: string;
  cardType: IdCard['cardType'] | 'manual';
  expired: boolean;
  /** From the card reader or a verified ID QR code (true), or typed by the resident (false). */
  verified: boolean;
  /** Identified by an electronic ID QR code (id-qr.ts) rather than the card. */
  via?: 'id-qr';
}

/** Whole years between a birth date (YYYY-MM-DD) and today. */
export function ageOn(birthDate: string | null | undefined, now: Date): number | null {
  const m = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // The station's calendar day, not the machine's (a UTC clock is still on yesterday before 08:00).
  const today = stationClock(now, stationTimeZone());
  let age = today.year - y;
  if (today.month < mo || (today.month === mo && today.day < d)) age--;
  return age >= 0 && age < 150 ? age : null;
}

/** Birth date from an 18-digit resident ID number (for manual entry). */
export function birthDateFromId(id: string): string | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dXx]$/.exec(id.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

const isoDay = (d: Date) => stationDate(d, stationTimeZone());

export function identityFromCard(card: IdCard, now = new Date()): KioskIdentity {
  const expired = !!card.validTo && card.validTo !== 'long-term' && card.validTo < isoDay(now);
  return {
    name: card.name,
    idNumber: card.idNumber,
    maskedId: maskIdNumber(card.idNumber),
    birthDate: card.birthDate,
    age: ageOn(card.birthDate, now),
    sex: card.sex,
    ...(card.address ? { address: card.address } : {}),
    cardType: card.cardType,
    expired,
    verified: true,
  };
}

export function identityFromManual(name: string, idNumber: string, now = new Date()): KioskIdentity {
  const id = idNumber.trim().toUpperCase();
  const birthDate = birthDateFromId(id);
  return { name: name.trim(), idNumber: id, maskedId: maskIdNumber(id), birthDate, age: ageOn(birthDate, now), sex: 'unknown', cardType: 'manual', expired: false, verified: false };
}

/** Plain words and what to do, for each reader problem (the catalogue's words for the device error's code come first). */
export function cardProblem(code: string | undefined): { titleKey: string; actionKey: string } {
  switch (code) {
    case 'EXPIRED':
      return { titleKey: 'kiosk.identify.errors.expired', actionKey: 'kiosk.identify.actions.expired' };
    case 'DISCONNECTED':
    case 'NOT_CONNECTED':
    case 'TIMEOUT':
    case 'PORT_CLOSED':
      return { titleKey: 'kiosk.identify.errors.reader', actionKey: 'kiosk.identify.actions.reader' };
    default:
      return { titleKey: 'kiosk.identify.errors.unreadable', actionKey: 'kiosk.identify.actions.unreadable' };
  }
}
