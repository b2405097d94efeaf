/**
 * The counter's documents (renderer/clerk/letters.ts) rendered on the shared engine: the 委托书 and
 * the 办结单 embed only the subset Noto Sans SC font and carry the signature image.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDocument, type DocumentSpec } from '../documents/pdf';
import { fillAgentRows } from '../documents/authorization';
import { DEMO_STAFF } from '../../sync/server/seed/demo';
import { DocumentSpecInput } from '../../preload/contract/kiosk-calls';
// eslint-disable-next-line no-restricted-imports -- pure template module (no DOM, no bridge) rendered here through main's engine
import { authorizationLetter, completionSlip, terminationSlip } from '../../renderer/clerk/letters';

const SIG = 'iVBORw0KGgoAAAANSUhEUgAAAHgAAAAoCAYAAAA16j4lAAABE0lEQVR4nO3RQQ6DMBBD0dz/0i3rCiSiNLH/jJG8A+TxG2OMz12uZyTM/FjeAweblUe/Vy8F2zJvvJY+Vh/YMbMuW36aaFGngYPNQl0CDrY/6t+Ag+2/G7I0PSf3KXWMc1Q7tDiyG6oM2O34DnfJB3EcpVJ/+TiksZA91QVII7r1wQM7jEtERQKfHJ2OigfegVEJtRTwClJV1LLAs3hVUVsAz2KrOwZ4A2oHbHmB06gr7xMjL3Aadfd/3CIvoETtgC0v4D46HVtegDSuWx8kMGVETE91AdJYxP4ZpfhdrY/vcG+LIx2i2qHUMZSc3AdZulJ272Zdrlt27GlRItm3c1ABWdk/qLDMugQVnDdeQS2SJ7sv/TSsE+yoqsAAAAAASUVORK5CYII=';
const dir = mkdtempSync(join(tmpdir(), 'letters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEBUG = process.env.LETTERS_DEBUG;

const resident = { name: '张秀英', idNumber: '36012119500101002X' };
const agent = { name: '李代办', staffId: 'S002', relation: '村代办员' };
const S002 = DEMO_STAFF.find((s) => s.id === 'S002')!;

async function check(name: string, spec: DocumentSpecInput, fill?: (spec: DocumentSpec) => DocumentSpec) {
  const parsed = DocumentSpecInput.parse(spec) as DocumentSpec; // what the bridge accepts
  const { pdf } = await renderDocument(fill ? fill(parsed) : parsed, { now: new Date('2026-11-29T10:00:00Z') });
  const file = join(dir, name);
  writeFileSync(file, pdf);
  const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
  const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2).filter((l) => /^\s*\d+\s+\d+\s+image\s/.test(l)); // the signature (its alpha mask is listed apart)
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (DEBUG) console.log(execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }));
  return { fonts, images, text };
}

describe('clerk documents on the shared PDF engine', () => {
  it('委托书: embedded font only, signature image, scope and parties', async () => {
    const principal = { ...resident, address: '江西省湖口县流泗镇红星村3组', phone: '13912345678' };
    const r = await check('letter.pdf', authorizationLetter({ applicationId: '019ad000-0000-7000-8000-000000000001', stationName: '流泗镇便民服务中心', serviceName: '城乡居民基本医疗保险参保登记', principal, agent, reason: '年老行动不便', scope: ['submit', 'collect_result'], validFrom: '2026-11-29', validUntil: '2026-12-31', subDelegation: false, signedAt: '2026-11-29T10:00:00+08:00', signaturePng: SIG }), (spec) =>
      // what main does for kind authorization-letter: the signed-in person's rows (main/documents/authorization.ts)
      fillAgentRows(spec, { id: 'S002', name: agent.name }, { idNumber: S002.idNumber, phone: S002.phone }),
    );
    expect(r.fonts.length).toBe(1);
    for (const f of r.fonts) expect(f).toMatch(/^NotoSansSC\S*\s+CID TrueType\s+Identity-H\s+yes/); // the one font, embedded
    expect(r.images.length).toBe(1);
    expect(r.text).toContain('授权委托书');
    expect(r.text).toContain('代为领取办理结果');
    // What a written authorization must state (domain: 代办委托书; Civil Code art. 165).
    const flat = r.text.replace(/\s+/g, '');
    for (const must of ['委托人身份证号36012119500101002X', '委托人住址江西省湖口县流泗镇红星村3组', '委托人联系电话13912345678', '委托原因年老行动不便', '受托人（代办员）李代办（工号S002）', `受托人身份证号${S002.idNumber}`, `受托人联系电话${S002.phone}`, '受托人所在单位流泗镇便民服务中心', '委托期限2026-11-29至2026-12-31', '附件：委托人、受托人身份证复印件', '委托人签字（或按手印）']) expect(flat).toContain(must);
  });

  it('办结单 and 终止单 carry the signature and mask the ID number', async () => {
    const done = await check('done.pdf', completionSlip({ applicationId: 'a1', acceptanceNo: '360121201-20261129-0001', stationName: '流泗镇', serviceName: '医保参保', resident, agentName: agent.name, outcome: 'approved', handedOverAt: '2026-12-02T09:00:00+08:00', signaturePng: SIG }));
    expect(done.fonts.length).toBe(1);
    expect(done.images.length).toBe(1);
    expect(done.text).toContain('3601**********002X');
    expect(done.text).not.toContain(resident.idNumber);
    const end = await check('end.pdf', terminationSlip({ applicationId: 'a1', stationName: '流泗镇', serviceName: '医保参保', resident, agentName: agent.name, reason: '本人自行办理', at: '2026-11-30T09:00:00+08:00', signaturePng: SIG }));
    expect(end.images.length).toBe(1);
    expect(end.text).toContain('终止委托确认单');
  });

  it('rare characters (CJK Ext B and E) in names: rendered with the embedded fallback font, extracted exactly, nothing from the system', async () => {
    // 𠀾 U+2003E (Ext B), 𬌗 U+2C317 (Ext E), 䶮 U+4DAE (Ext A): none in Noto Sans SC's Ext B+ range.
    const rare = { name: '王𠀾𬌗', idNumber: '36012119500101002X' };
    const letter = await check('rare-letter.pdf', authorizationLetter({ applicationId: '019ad000-0000-7000-8000-000000000002', stationName: '流泗镇便民服务中心', serviceName: '医保参保', principal: rare, agent, scope: ['submit'], validFrom: '2026-11-29', validUntil: null, subDelegation: false, signedAt: '2026-11-29T10:00:00+08:00', signaturePng: SIG }), (spec) => fillAgentRows(spec, { id: 'S002', name: agent.name }, {}));
    const done = await check('rare-done.pdf', completionSlip({ applicationId: 'a2', acceptanceNo: null, stationName: '流泗镇', serviceName: '医保参保', resident: { name: '刘䶮𠀾', idNumber: rare.idNumber }, agentName: agent.name, outcome: 'approved', handedOverAt: '2026-12-02T09:00:00+08:00', signaturePng: SIG }));
    for (const r of [letter, done]) {
      expect(r.fonts.length).toBeGreaterThan(1); // the main font and the fallback(s)
      for (const f of r.fonts) expect(f).toMatch(/^(NotoSansSC|HanaMin)\S*\s+CID TrueType\s+Identity-H\s+yes\s/); // every font embedded
    }
    expect(letter.text).toContain('王𠀾𬌗');
    expect(done.text).toContain('刘䶮𠀾');
  });
});
