/**
 * The 256-byte UTF-16LE text block, four layouts switched by the character at byte 248.
 * Source: ../../../shared/specs/id-card-sam.md, "Text block".
 */
import { DeviceError } from '../errors.js';
import type { CardType, IdCardText } from './card-types.js';
import { LONG_TERM_ON_CARD, nationName, sexFromCode } from './code-tables.js';
import { parseCardDate, parseValidTo } from './dates.js';
import { trimPadding } from './padding.js';
import { checkCitizenIdNumber, checkForeign2017Number, checkForeign2023Number } from './id-number.js';

export const TEXT_BLOCK_SIZE = 256;
const TYPE_FLAG_OFFSET = 248;

/** Field layout: [offset, bytes]. */
type Span = readonly [number, number];

export const LAYOUTS = {
  resident: {
    name: [0, 30], sex: [30, 2], nationCode: [32, 4], birthDate: [36, 16], address: [52, 70],
    idNumber: [122, 36], issuingAuthority: [158, 30], validFrom: [188, 16], validTo: [204, 16],
  },
  'foreign-2017': {
    englishName: [0, 120], sex: [120, 2], idNumber: [122, 30], nationality: [152, 6], name: [158, 30],
    validFrom: [188, 16], validTo: [204, 16], birthDate: [220, 16], cardVersion: [236, 4],
    acceptingAuthorityCode: [240, 8],
  },
  'foreign-2023': {
    name: [0, 30], sex: [30, 2], renewalCount: [32, 4], birthDate: [36, 16], englishName1: [52, 70],
    idNumber: [122, 36], validFrom: [188, 16], validTo: [204, 16], englishName2: [220, 22],
    nationality: [242, 6], previousNumberLink: [250, 6],
  },
  'hmt-residence': {
    name: [0, 30], sex: [30, 2], birthDate: [36, 16], address: [52, 70], idNumber: [122, 36],
    issuingAuthority: [158, 30], validFrom: [188, 16], validTo: [204, 16], passNumber: [220, 18],
    issueCount: [238, 4],
  },
} as const satisfies Record<CardType, Record<string, Span>>;

const FLAGS: Record<string, CardType> = { ' ': 'resident', I: 'foreign-2017', Y: 'foreign-2023', J: 'hmt-residence' };
export const TYPE_FLAG: Record<CardType, string> = { resident: ' ', 'foreign-2017': 'I', 'foreign-2023': 'Y', 'hmt-residence': 'J' };

/** Read a UTF-16LE field, trimming the U+0020 padding (and stray NULs). */
function field(block: Uint8Array, [offset, bytes]: Span): string {
  return trimPadding(Buffer.from(block.buffer, block.byteOffset + offset, bytes).toString('utf16le'));
}

export function cardTypeOf(block: Uint8Array): CardType | null {
  if (block.length < TEXT_BLOCK_SIZE) return null;
  const flag = Buffer.from(block.buffer, block.byteOffset + TYPE_FLAG_OFFSET, 2).toString('utf16le');
  // Some cards pad the flag with NUL instead of space.
  return FLAGS[flag === '\u0000' ? ' ' : flag] ?? null;
}

export function parseTextBlock(block: Uint8Array): IdCardText {
  if (block.length !== TEXT_BLOCK_SIZE) {
    throw new DeviceError('BAD_TEXT_BLOCK', `text block is ${block.length} bytes, expected 256`);
  }
  const cardType = cardTypeOf(block);
  if (!cardType) {
    const code = block[TYPE_FLAG_OFFSET]!.toString(16).padStart(2, '0');
    throw new DeviceError('UNKNOWN_CARD_LAYOUT', `unknown card type flag 0x${code}`);
  }
  const warnings: string[] = [];
  const sexCode = field(block, LAYOUTS[cardType].sex);
  const sex = sexFromCode(sexCode);
  if (!sex) warnings.push('sex code is not 0, 1, 2 or 9');

  const dates = (fromRaw: string, toRaw: string, birthRaw: string) => {
    const birthDate = parseCardDate(birthRaw);
    const validFrom = parseCardDate(fromRaw);
    const validTo = parseValidTo(toRaw);
    if (!birthDate) warnings.push('birth date is not a YYYYMMDD date');
    if (!validFrom) warnings.push('valid-from is not a YYYYMMDD date');
    if (!validTo) warnings.push(`valid-to is neither a YYYYMMDD date nor ${LONG_TERM_ON_CARD}`);
    return { birthDate, validFrom, validTo };
  };
  const idCheck = (result: { valid: boolean; reason?: string }) => {
    if (!result.valid) warnings.push(`ID number invalid: ${result.reason ?? 'unknown reason'}`);
    return result.valid;
  };

  switch (cardType) {
    case 'resident': {
      const L = LAYOUTS.resident;
      const idNumber = field(block, L.idNumber);
      const nationCode = field(block, L.nationCode);
      const nation = nationName(nationCode);
      if (!nation) warnings.push('nation code (GB 3304) is not in the table');
      return {
        cardType, name: field(block, L.name), sex: sex ?? 'unknown', nationCode, nation,
        ...dates(field(block, L.validFrom), field(block, L.validTo), field(block, L.birthDate)),
        address: field(block, L.address), idNumber, idNumberValid: idCheck(checkCitizenIdNumber(idNumber)),
        issuingAuthority: field(block, L.issuingAuthority), warnings,
      } satisfies IdCardText;
    }
    case 'hmt-residence': {
      const L = LAYOUTS['hmt-residence'];
      const idNumber = field(block, L.idNumber);
      return {
        cardType, name: field(block, L.name), sex: sex ?? 'unknown',
        ...dates(field(block, L.validFrom), field(block, L.validTo), field(block, L.birthDate)),
        address: field(block, L.address), idNumber, idNumberValid: idCheck(checkCitizenIdNumber(idNumber)),
        issuingAuthority: field(block, L.issuingAuthority), passNumber: field(block, L.passNumber),
        issueCount: field(block, L.issueCount), warnings,
      } satisfies IdCardText;
    }
    case 'foreign-2017': {
      const L = LAYOUTS['foreign-2017'];
      const idNumber = field(block, L.idNumber);
      return {
        cardType, name: field(block, L.name), englishName: field(block, L.englishName), sex: sex ?? 'unknown',
        nationality: field(block, L.nationality),
        ...dates(field(block, L.validFrom), field(block, L.validTo), field(block, L.birthDate)),
        idNumber, idNumberValid: idCheck(checkForeign2017Number(idNumber)),
        cardVersion: field(block, L.cardVersion), acceptingAuthorityCode: field(block, L.acceptingAuthorityCode),
        warnings,
      } satisfies IdCardText;
    }
    case 'foreign-2023': {
      const L = LAYOUTS['foreign-2023'];
      const idNumber = field(block, L.idNumber);
      const english = (field(block, L.englishName1).padEnd(35, ' ') + field(block, L.englishName2)).trim();
      return {
        cardType, name: field(block, L.name), englishName: english, sex: sex ?? 'unknown',
        nationality: field(block, L.nationality), renewalCount: field(block, L.renewalCount),
        ...dates(field(block, L.validFrom), field(block, L.validTo), field(block, L.birthDate)),
        idNumber, idNumberValid: idCheck(checkForeign2023Number(idNumber)),
        previousNumberLink: field(block, L.previousNumberLink), warnings,
      } satisfies IdCardText;
    }
  }
}
