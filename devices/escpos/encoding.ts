import iconv from 'iconv-lite';

/** Text goes to the printer as GB18030 (round-trips rare characters; GBK does not). */
export function encodeGb18030(text: string): Buffer {
  return iconv.encode(text, 'gb18030');
}

export function decodeGb18030(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb18030');
}

/** Character sets a printer's built-in font may cover. */
export type PrinterCharset = 'gbk' | 'gb18030';

/**
 * Two-byte codes that a CP936 (GBK) font does not draw: the user-defined areas (AAA1–AFFE, F8A1–FEFE,
 * A140–A7A0) and FE50–FEA0, where GB18030 placed CJK Extension A characters (e.g. 䶮 = FE9F) that GBK
 * fonts map to private-use code points.
 */
function inUserDefinedArea(lead: number, trail: number): boolean {
  if (lead >= 0xaa && lead <= 0xaf && trail >= 0xa1) return true;
  if (lead >= 0xf8 && lead <= 0xfe && trail >= 0xa1) return true;
  if (lead >= 0xa1 && lead <= 0xa7 && trail >= 0x40 && trail <= 0xa0) return true;
  if (lead === 0xfe && trail >= 0x50 && trail <= 0xa0) return true;
  return false;
}

const gbkCache = new Map<string, boolean>();

/**
 * Whether a printer with this built-in font can print the character. Most Chinese receipt printers
 * carry a GBK (GB2312 + extensions) font: characters outside GBK, even when GB18030 encodes them,
 * print as garbage and must be sent as a raster image.
 */
export function printerHasGlyph(ch: string, charset: PrinterCharset): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return true;
  if (charset === 'gb18030') return true;
  let known = gbkCache.get(ch);
  if (known === undefined) {
    const enc = iconv.encode(ch, 'gb18030');
    known = enc.length === 2 && !inUserDefinedArea(enc[0]!, enc[1]!);
    gbkCache.set(ch, known);
  }
  return known;
}

/** Display width in columns: CJK and other non-ASCII characters take two. */
export function textColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
  return n;
}
