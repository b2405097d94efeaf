import type { Sex } from './code-tables.js';

export type CardType = 'resident' | 'foreign-2017' | 'foreign-2023' | 'hmt-residence';

/** The text fields of one card, parsed from the 256-byte block. Absent fields are not on that layout. */
export interface IdCardText {
  cardType: CardType;
  name: string;
  englishName?: string;
  sex: Sex;
  /** 民族 code (resident cards). */
  nationCode?: string;
  /** 民族 in Chinese (resident cards), null when the code is not in the table. */
  nation?: string | null;
  /** ISO 3166-1 alpha-3 (foreign cards). */
  nationality?: string;
  birthDate: string | null;
  address?: string;
  idNumber: string;
  idNumberValid: boolean;
  issuingAuthority?: string;
  validFrom: string | null;
  validTo: string | 'long-term' | null;
  /** 通行证号码 (HMT residence permit). */
  passNumber?: string;
  /** 签发次数 (HMT residence permit). */
  issueCount?: string;
  /** Card version (2017 foreign card). */
  cardVersion?: string;
  /** 当次申请受理机关代码 (2017 foreign card). */
  acceptingAuthorityCode?: string;
  /** 换证次数 (2023 foreign card). */
  renewalCount?: string;
  /** Link to the previous-version card number (2023 foreign card). */
  previousNumberLink?: string;
  /** Problems found while parsing, in English, never containing the personal data itself. */
  warnings: string[];
}

/** A full read: text plus the raw WLT photo (and fingerprints when read with 30 10). */
export interface IdCardRead extends IdCardText {
  photoWlt: Buffer;
  fingerprints?: Buffer;
}
