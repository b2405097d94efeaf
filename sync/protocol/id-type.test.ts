import { describe, expect, it } from 'vitest';
import { idTypeOfCard, idTypeOfNumber } from './id-type';

describe('applicant idType', () => {
  it('a Hong Kong / Macao / Taiwan residence permit is not a resident ID', () => {
    expect(idTypeOfCard('hmt-residence', '810000199001011234')).toBe('hk_macao_permit');
    expect(idTypeOfCard('hmt-residence', '820000199001011234')).toBe('hk_macao_permit');
    expect(idTypeOfCard('hmt-residence', '830000199001011234')).toBe('taiwan_permit');
    expect(idTypeOfCard('resident', '36012119500101002X')).toBe('resident_id');
    expect(idTypeOfCard('foreign-2023', '933036199001011234')).toBe('foreign_permanent');
  });

  it('typed by hand: by the number', () => {
    expect(idTypeOfCard('manual', '830000199001011234')).toBe('taiwan_permit');
    expect(idTypeOfNumber(' 810000199001011234 ')).toBe('hk_macao_permit');
    expect(idTypeOfNumber('36012119500101002X')).toBe('resident_id');
    expect(idTypeOfCard(undefined, '')).toBe('resident_id');
    expect(idTypeOfNumber('8100001990')).toBe('resident_id'); // garbage: not a permit number
  });
});
