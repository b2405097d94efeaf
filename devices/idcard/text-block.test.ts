import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBaseMessage, parseBaseMessage, splitBaseMessage } from './base-message.js';
import { cardFileSchema, encodeTextBlock, placeholderWlt, toCardJson, type CardFile } from './card-json.js';
import { cardTypeOf, parseTextBlock } from './text-block.js';

const cardsDir = path.join(import.meta.dirname, '../emulators/cards');
const load = (f: string): CardFile => cardFileSchema.parse(JSON.parse(fs.readFileSync(path.join(cardsDir, f), 'utf8')));

/** Write a UTF-16LE value at a byte offset in a space-padded block. */
function block(fields: [number, string][], flag = ' '): Buffer {
  const b = Buffer.from(' '.repeat(128), 'utf16le');
  for (const [off, v] of fields) Buffer.from(v, 'utf16le').copy(b, off);
  Buffer.from(flag, 'utf16le').copy(b, 248);
  return b;
}

describe('text block layouts', () => {
  it('resident card: every field at its documented offset', () => {
    const t = parseTextBlock(
      block([[0, '王建国'], [30, '1'], [32, '01'], [36, '19900307'], [52, '江西省南昌市'], [122, '360102199003071236'], [158, '南昌市公安局'], [188, '20150601'], [204, '20350601']]),
    );
    expect(t).toEqual({
      cardType: 'resident', name: '王建国', sex: 'male', nationCode: '01', nation: '汉', birthDate: '1990-03-07',
      address: '江西省南昌市', idNumber: '360102199003071236', idNumberValid: true, issuingAuthority: '南昌市公安局',
      validFrom: '2015-06-01', validTo: '2035-06-01', warnings: [],
    });
  });

  it('resident card with 长期 and a NUL type flag', () => {
    const b = block([[0, '李'], [30, '2'], [32, '22'], [36, '19520815'], [122, '361122195208150024'], [188, '20120420'], [204, '长期']]);
    b.writeUInt16LE(0, 248);
    const t = parseTextBlock(b);
    expect(t.cardType).toBe('resident');
    expect(t.validTo).toBe('long-term');
    expect(t.nation).toBe('畲');
    expect(t.sex).toBe('female');
  });

  it('foreign permanent resident card, 2017 (I)', () => {
    const t = parseTextBlock(
      block([[0, 'MARTIN, MARK'], [120, '1'], [122, 'CAN360185081214'], [152, 'CAN'], [158, '马克'], [188, '20170501'], [204, '20270501'], [220, '19850812'], [236, '01'], [240, '3600']], 'I'),
    );
    expect(t).toMatchObject({
      cardType: 'foreign-2017', name: '马克', englishName: 'MARTIN, MARK', sex: 'male', nationality: 'CAN',
      idNumber: 'CAN360185081214', idNumberValid: true, birthDate: '1985-08-12', validFrom: '2017-05-01', validTo: '2027-05-01',
      cardVersion: '01', acceptingAuthorityCode: '3600', warnings: [],
    });
    expect(t.nationCode).toBeUndefined();
  });

  it('foreign permanent resident card, 2023 (Y): English name split over two fields', () => {
    const english = 'SMITH-WELLINGTON, JOHN ALEXANDER MAXIMILIAN';
    const t = parseTextBlock(
      block([[0, '史密斯'], [30, '1'], [32, '00'], [36, '19850812'], [52, english.slice(0, 35)], [122, '936840198508120113'], [188, '20231201'], [204, '20331201'], [220, english.slice(35)], [242, 'USA']], 'Y'),
    );
    expect(t).toMatchObject({
      cardType: 'foreign-2023', name: '史密斯', englishName: english, nationality: 'USA', renewalCount: '00',
      idNumber: '936840198508120113', idNumberValid: true, birthDate: '1985-08-12', warnings: [],
    });
  });

  it('Hong Kong/Macau/Taiwan residence permit (J)', () => {
    const t = parseTextBlock(
      block([[0, '陈美玲'], [30, '2'], [36, '19950505'], [52, '江西省九江市'], [122, '810000199505052124'], [158, '九江市公安局'], [188, '20210101'], [204, '20310101'], [220, 'H12345678'], [238, '01']], 'J'),
    );
    expect(t).toMatchObject({ cardType: 'hmt-residence', passNumber: 'H12345678', issueCount: '01', idNumberValid: true, sex: 'female' });
  });

  it('reports an invalid ID number, bad codes and bad dates instead of hiding them', () => {
    const t = parseTextBlock(block([[0, '某'], [30, '7'], [32, '77'], [36, '19901340'], [122, '360102199003071237'], [188, 'xxxxxxxx'], [204, '长久']]));
    expect(t.idNumber).toBe('360102199003071237');
    expect(t.idNumberValid).toBe(false);
    expect(t.sex).toBe('unknown');
    expect(t.nation).toBeNull();
    expect(t.birthDate).toBeNull();
    expect(t.validFrom).toBeNull();
    expect(t.validTo).toBeNull();
    expect(t.warnings).toEqual(expect.arrayContaining([
      'sex code is not 0, 1, 2 or 9', 'nation code (GB 3304) is not in the table', 'ID number invalid: check character mismatch',
      'birth date is not a YYYYMMDD date', 'valid-from is not a YYYYMMDD date', 'valid-to is neither a YYYYMMDD date nor 长期',
    ]));
    // Warnings never carry the personal data itself.
    expect(t.warnings.join(' ')).not.toContain('360102');
  });

  it('rejects an unknown type flag and a wrong-size block with clear errors', () => {
    expect(() => parseTextBlock(block([], 'Q'))).toThrow(/unknown card type flag/);
    expect(() => parseTextBlock(Buffer.alloc(100))).toThrow(/100 bytes/);
    expect(cardTypeOf(Buffer.alloc(3))).toBeNull();
  });

  it('survives random blocks: either a parse or a DeviceError, never anything else', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(256, 0).map(() => rnd());
      if (i % 4 === 0) Buffer.from(['I', 'Y', 'J', ' '][i % 16 >> 2]!, 'utf16le').copy(b, 248);
      try {
        const t = parseTextBlock(b);
        expect(typeof t.idNumberValid).toBe('boolean');
      } catch (err) {
        expect((err as Error).name).toBe('DeviceError');
      }
    }
  });
});

describe('sample card files round-trip through the text block', () => {
  for (const file of fs.readdirSync(cardsDir).filter((f) => f.endsWith('.json'))) {
    it(file, () => {
      const card = load(file);
      const read = parseBaseMessage(encodeBaseMessage(encodeTextBlock(card), placeholderWlt()));
      const json = toCardJson(read);
      expect(json.warnings).toEqual([]);
      expect(json.idNumberValid).toBe(true);
      for (const key of ['cardType', 'name', 'englishName', 'sex', 'nationCode', 'nationality', 'birthDate', 'address', 'idNumber', 'issuingAuthority', 'validFrom', 'validTo', 'passNumber', 'issueCount'] as const) {
        if (card[key] !== undefined) expect(json[key], key).toBe(card[key]);
      }
      expect(Buffer.from(json.photoWlt, 'base64')).toEqual(placeholderWlt());
    });
  }

  it('covers all four card types', () => {
    const types = new Set(fs.readdirSync(cardsDir).filter((f) => f.endsWith('.json')).map((f) => load(f).cardType));
    expect([...types].sort()).toEqual(['foreign-2017', 'foreign-2023', 'hmt-residence', 'resident']);
  });
});

describe('read-base message', () => {
  const text = encodeTextBlock(load('resident.json'));
  it('uses the length words (30 01 and 30 10 layouts)', () => {
    const plain = encodeBaseMessage(text, placeholderWlt());
    expect(plain.length).toBe(4 + 256 + 1024);
    expect(plain.subarray(0, 4).toString('hex')).toBe('01000400');
    const fp = Buffer.alloc(1024, 7);
    const withFp = encodeBaseMessage(text, placeholderWlt(), fp);
    expect(withFp.length).toBe(6 + 256 + 1024 + 1024);
    expect(parseBaseMessage(withFp, true).fingerprints).toEqual(fp);
    expect(parseBaseMessage(encodeBaseMessage(text, placeholderWlt(), Buffer.alloc(0)), true).fingerprints).toBeUndefined();
  });
  it('rejects inconsistent length words', () => {
    const m = encodeBaseMessage(text, placeholderWlt());
    expect(() => splitBaseMessage(m.subarray(0, 1000), false)).toThrow(/length words/);
    expect(() => splitBaseMessage(Buffer.alloc(2), false)).toThrow(/too short/);
    const wrongText = Buffer.from(m);
    wrongText.writeUInt16BE(0x0101, 0);
    wrongText.writeUInt16BE(0x03ff, 2);
    expect(() => splitBaseMessage(wrongText, false)).toThrow(/text length/);
  });
});
