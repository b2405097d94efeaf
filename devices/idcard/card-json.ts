/**
 * Plain-JSON form of a card read (what the CLI prints and the manager emits), and the card files the
 * emulator serves. A card file uses the same field names and value forms as the output, so a card file
 * is also the expected result of reading it.
 */
import { z } from 'zod';
import { cardTypeSchema, idCardJsonSchema, sexSchema, type IdCardJson } from '../protocol/device-events.js';
import type { IdCardRead } from './card-types.js';
import { LONG_TERM_ON_CARD, sexToCode } from './code-tables.js';
import { toCardDate } from './dates.js';
import { LAYOUTS, TEXT_BLOCK_SIZE, TYPE_FLAG } from './text-block.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

// The JSON a read produces (CLI stdout, manager `card` events): defined with the other device events.
export { cardTypeSchema, idCardJsonSchema, type IdCardJson };

export function toCardJson(read: IdCardRead): IdCardJson {
  const { photoWlt, fingerprints, ...text } = read;
  const out: IdCardJson = { ...text, photoWlt: photoWlt.toString('base64') };
  if (fingerprints) out.fingerprints = fingerprints.toString('base64');
  return out;
}

/** A card file for the emulator. Fields not on the card's layout are ignored. */
export const cardFileSchema = z
  .object({
    cardType: cardTypeSchema,
    name: z.string().max(15),
    englishName: z.string().max(60).optional(),
    sex: sexSchema,
    nationCode: z.string().regex(/^\d{2}$/).optional(),
    nationality: z.string().regex(/^[A-Z]{3}$/).optional(),
    birthDate: isoDate,
    address: z.string().max(35).optional(),
    idNumber: z.string().max(18),
    issuingAuthority: z.string().max(15).optional(),
    validFrom: isoDate,
    validTo: z.union([isoDate, z.literal('long-term')]),
    passNumber: z.string().max(9).optional(),
    issueCount: z.string().max(2).optional(),
    cardVersion: z.string().max(2).optional(),
    acceptingAuthorityCode: z.string().max(4).optional(),
    renewalCount: z.string().max(2).optional(),
    previousNumberLink: z.string().max(3).optional(),
    /** Raw WLT bytes, base64; when absent the emulator serves a fixed 1024-byte placeholder. */
    photoWlt: z.base64().optional(),
    /** Additional (latest) address served by 30 03; absent → status 0x91 (no content). */
    additionalAddress: z.string().max(35).optional(),
  })
  .passthrough();
export type CardFile = z.infer<typeof cardFileSchema>;

/** Encode a card file into the 256-byte UTF-16LE text block. */
export function encodeTextBlock(card: CardFile): Buffer {
  const block = Buffer.from(' '.repeat(TEXT_BLOCK_SIZE / 2), 'utf16le');
  const put = ([offset, bytes]: readonly [number, number], value: string | undefined) => {
    if (value === undefined) return;
    const enc = Buffer.from(value, 'utf16le');
    enc.copy(block, offset, 0, Math.min(bytes, enc.length - (enc.length % 2)));
  };
  const validTo = card.validTo === 'long-term' ? LONG_TERM_ON_CARD : toCardDate(card.validTo);
  switch (card.cardType) {
    case 'resident': {
      const L = LAYOUTS.resident;
      put(L.name, card.name); put(L.sex, sexToCode(card.sex)); put(L.nationCode, card.nationCode ?? '01');
      put(L.birthDate, toCardDate(card.birthDate)); put(L.address, card.address); put(L.idNumber, card.idNumber);
      put(L.issuingAuthority, card.issuingAuthority); put(L.validFrom, toCardDate(card.validFrom)); put(L.validTo, validTo);
      break;
    }
    case 'hmt-residence': {
      const L = LAYOUTS['hmt-residence'];
      put(L.name, card.name); put(L.sex, sexToCode(card.sex)); put(L.birthDate, toCardDate(card.birthDate));
      put(L.address, card.address); put(L.idNumber, card.idNumber); put(L.issuingAuthority, card.issuingAuthority);
      put(L.validFrom, toCardDate(card.validFrom)); put(L.validTo, validTo); put(L.passNumber, card.passNumber);
      put(L.issueCount, card.issueCount);
      break;
    }
    case 'foreign-2017': {
      const L = LAYOUTS['foreign-2017'];
      put(L.englishName, card.englishName); put(L.sex, sexToCode(card.sex)); put(L.idNumber, card.idNumber);
      put(L.nationality, card.nationality); put(L.name, card.name); put(L.validFrom, toCardDate(card.validFrom));
      put(L.validTo, validTo); put(L.birthDate, toCardDate(card.birthDate)); put(L.cardVersion, card.cardVersion);
      put(L.acceptingAuthorityCode, card.acceptingAuthorityCode);
      break;
    }
    case 'foreign-2023': {
      const L = LAYOUTS['foreign-2023'];
      const english = card.englishName ?? '';
      put(L.name, card.name); put(L.sex, sexToCode(card.sex)); put(L.renewalCount, card.renewalCount);
      put(L.birthDate, toCardDate(card.birthDate)); put(L.englishName1, english.slice(0, 35));
      put(L.idNumber, card.idNumber); put(L.validFrom, toCardDate(card.validFrom)); put(L.validTo, validTo);
      put(L.englishName2, english.slice(35)); put(L.nationality, card.nationality);
      put(L.previousNumberLink, card.previousNumberLink);
      break;
    }
  }
  Buffer.from(TYPE_FLAG[card.cardType], 'utf16le').copy(block, 248);
  return block;
}

/** A deterministic 1024-byte stand-in for a WLT photo (the real format is proprietary). */
export function placeholderWlt(seed = 0x57): Buffer {
  const photo = Buffer.alloc(1024);
  let x = seed;
  for (let i = 0; i < photo.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    photo[i] = x >>> 24;
  }
  photo.write('WLT-PLACEHOLDER', 0, 'latin1');
  return photo;
}
