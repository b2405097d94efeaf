// Renders a demo licence as a one-page PDF (the reference library's "rendered file"): the licence
// type, holder, number, issuer and validity, marked as demo data. Noto Sans SC (the project's
// document font, build/fonts), embedded as a subset so it reads the same anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import type { LicenceTypeCode } from '../../protocol/e-licences';

const FONT_FILE = 'NotoSansSC_400Regular.ttf';
// Not named `require`: the bundled demo platform worker (out/main) already declares one at the top level.
const requireFromHere = createRequire(import.meta.url);
const fontkit = requireFromHere('fontkit') as Parameters<PDFDocument['registerFontkit']>[0];

function fontPath(): string {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'fonts', FONT_FILE))) return join(resources, 'fonts', FONT_FILE);
  let dir = import.meta.dirname;
  for (let i = 0; i < 7 && dir; i++) {
    const candidate = join(dir, 'build', 'fonts', FONT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return requireFromHere.resolve(`@expo-google-fonts/noto-sans-sc/400Regular/${FONT_FILE}`);
}
let font: Uint8Array | null = null;

export interface LicenceSheet {
  typeName: string;
  holderName: string;
  number: string;
  issuer: string;
  validFrom: string;
  validUntil: string | null;
  /** Extra lines (地址, 残疾类别…). */
  lines?: string[];
}

export async function renderLicencePdf(s: LicenceSheet): Promise<Uint8Array> {
  font ??= readFileSync(fontPath());
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`${s.typeName}（电子证照）`);
  doc.setCreator('township-terminal reference platform');
  // Fixed dates keep the demo files byte-identical between seeds (same SHA-256).
  doc.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  const f = await doc.embedFont(font, { subset: true });
  const page = doc.addPage([420, 298]); // A6 landscape
  const ink = rgb(0.1, 0.1, 0.1);
  page.drawRectangle({ x: 12, y: 12, width: 396, height: 274, borderColor: rgb(0.7, 0.1, 0.1), borderWidth: 2 });
  page.drawText(s.typeName, { x: 30, y: 250, size: 20, font: f, color: rgb(0.7, 0.1, 0.1) });
  page.drawText('电子证照 · 演示数据', { x: 290, y: 256, size: 10, font: f, color: rgb(0.5, 0.5, 0.5) });
  const rows = [`持证人：${s.holderName}`, `证照编号：${s.number}`, `发证机关：${s.issuer}`, `有效期：${s.validFrom} 至 ${s.validUntil ?? '长期'}`, ...(s.lines ?? [])];
  rows.forEach((text, i) => page.drawText(text, { x: 30, y: 212 - i * 24, size: 12, font: f, color: ink }));
  page.drawText('本文件由参考平台电子证照库生成，仅供演示', { x: 30, y: 26, size: 9, font: f, color: rgb(0.5, 0.5, 0.5) });
  return doc.save({ useObjectStreams: false });
}

// Document words of the platform (Chinese only, like the sheet above): the platform puts them on
// or beside documents it issues, and this is their one place in the platform's code.

/** The seal's name under the star (the reference setup's one kind of seal; sync/server/seal-authority.ts). */
export const DEFAULT_SEAL_NAME = '便民服务专用章';

/** The file name an officer's download of a signed authorization letter carries (sync/server/backoffice/queries.ts). */
export const AUTHORIZATION_LETTER_FILE_NAME = '授权委托书.pdf';

/** The licence types' names as a lookup answers them (`LicenceSummary.typeName`; sync/protocol/e-licences.ts has the codes). */
export const LICENCE_TYPE_NAMES: Record<LicenceTypeCode, string> = {
  JMSFZ: '居民身份证',
  HKB: '户口簿',
  JHZ: '结婚证',
  CSYXZM: '出生医学证明',
  CJRZ: '残疾人证',
  SBK: '社会保障卡',
  BDCQZS: '不动产权证书',
  YYZZ: '营业执照',
};
export const licenceTypeName = (code: string): string => (Object.prototype.hasOwnProperty.call(LICENCE_TYPE_NAMES, code) ? LICENCE_TYPE_NAMES[code as LicenceTypeCode] : code);
