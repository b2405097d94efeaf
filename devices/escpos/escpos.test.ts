import { describe, expect, it } from 'vitest';
import { EscPosBuilder } from './builder.js';
import { printerHasGlyph } from './encoding.js';
import { FontGlyphRasterizer, getPixel } from './raster.js';
import { decodeStatus, encodeStatus, isStatusByte, statusProblem, statusQueryCommand } from './status.js';
import { receiptDataSchema, ticketDataSchema } from '../protocol/print-data.js';
import { buildReceipt, buildTicket, formatStationTime } from './templates.js';
import { decodeEscPos, EscPosDecoder, transcriptLines, type TranscriptItem } from './transcript.js';

import { sampleReceipt, sampleTicket } from '../testing/samples.js';
import { zhErrorWords } from '../testing/zh-words.js';
import { DeviceError } from '../errors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('EscPosBuilder bytes', () => {
  it('init, Chinese mode before Chinese text, GB18030, sizes, bold, alignment, cut', () => {
    const bytes = new EscPosBuilder().init().align('center').size(2, 3).bold().text('中文').cut().build();
    expect(hex(bytes)).toBe('1b40' + '1b6101' + '1d2112' + '1b4501' + '1c26' + 'd6d0cec4' + '1d564103');
  });

  it('sends FS & again after init (Chinese mode is printer state)', () => {
    const bytes = new EscPosBuilder().init().text('甲').init().text('乙').build();
    expect(hex(bytes).match(/1c26/g)).toHaveLength(2);
  });

  it('does not send FS & for ASCII only', () => {
    expect(hex(new EscPosBuilder().init().line('A012').build())).toBe('1b40' + '41303132' + '0a');
  });

  it('QR code uses GS ( k model 2 in the documented order', () => {
    const bytes = new EscPosBuilder().qr('AB', { moduleSize: 3, errorCorrection: 'M' }).build();
    expect(hex(bytes)).toBe('1d286b040031413200' + '1d286b0300314303' + '1d286b0300314531' + '1d286b0500315030' + '4142' + '1d286b0300315130');
  });

  it('strips control characters from text so data cannot inject commands', () => {
    expect(hex(new EscPosBuilder().text('A\x1b@B\x1dV').build())).toBe('41404256');
  });

  it('rare characters: GB18030 encodes them, the GBK printer font lacks them → raster image', () => {
    expect(printerHasGlyph('王', 'gbk')).toBe(true);
    expect(printerHasGlyph('䶮', 'gbk')).toBe(false);
    expect(printerHasGlyph('䶮', 'gb18030')).toBe(true);
    const warned = new EscPosBuilder();
    warned.text('雷䶮英');
    expect(warned.warnings[0]).toContain('U+4DAE');
    const items = decodeEscPos(new EscPosBuilder({ rasterizer: new FontGlyphRasterizer() }).text('雷䶮英').build());
    const whole = decodeEscPos(new EscPosBuilder({ rasterizer: new FontGlyphRasterizer() }).line('A 雷䶮英').build());
    expect(whole.map((i) => i.type)).toEqual(['image']);
    expect((whole[0] as Extract<TranscriptItem, { type: 'image' }>).width).toBe(12 + 12 + 3 * 24); // half-width ASCII cells, full-width CJK cells
    expect(items.map((i) => i.type)).toEqual(['text', 'image', 'text']);
    const img = items[1] as Extract<TranscriptItem, { type: 'image' }>;
    expect(img.height).toBe(24);
    expect(img.data.some((b) => b !== 0)).toBe(true); // ink, not a blank box
  });

  it('the rasterizer draws a box for a character no font has', () => {
    const r = new FontGlyphRasterizer();
    const bmp = r.render('𠈌', 24);
    expect(r.missing.has('𠈌')).toBe(true);
    expect(getPixel(bmp, 2, 12)).toBe(true);
    expect(getPixel(bmp, 12, 12)).toBe(false);
  });
});

describe('DLE EOT status', () => {
  it('queries 1-4', () => {
    expect(hex(statusQueryCommand(4))).toBe('100404');
  });
  it.each([
    [{ online: true, coverOpen: false, paperNearEnd: false, paperOut: false }, null],
    [{ online: false, coverOpen: false, paperNearEnd: false, paperOut: false }, 'PRINTER_OFFLINE'],
    [{ online: true, coverOpen: true, paperNearEnd: false, paperOut: false }, 'COVER_OPEN'],
    [{ online: true, coverOpen: false, paperNearEnd: true, paperOut: false }, null],
    [{ online: true, coverOpen: false, paperNearEnd: true, paperOut: true }, 'PAPER_OUT'],
    [{ online: true, coverOpen: false, paperNearEnd: false, paperOut: false, error: true }, 'PRINTER_ERROR'],
  ])('%o → %s', (state, problem) => {
    const raw = encodeStatus(state);
    for (const b of Object.values(raw)) expect(isStatusByte(b)).toBe(true);
    const s = decodeStatus(raw);
    expect(s.online).toBe(state.online);
    expect(s.coverOpen).toBe(state.coverOpen);
    expect(s.paperNearEnd).toBe(state.paperNearEnd);
    expect(s.paperOut).toBe(state.paperOut);
    expect(statusProblem(s)?.code ?? null).toBe(problem);
    if (problem) expect(zhErrorWords(new DeviceError(problem, statusProblem(s)!.message))).toMatch(/[\u4e00-\u9fff]/);
  });
  it('escpos-php bit positions: n=4 0x04 near end, 0x20 not present; n=2 0x04 cover open', () => {
    expect(decodeStatus({ 4: 0x12 | 0x04 }).paperNearEnd).toBe(true);
    expect(decodeStatus({ 4: 0x12 | 0x20 }).paperOut).toBe(true);
    expect(decodeStatus({ 2: 0x12 | 0x04 }).coverOpen).toBe(true);
    expect(isStatusByte(0x00)).toBe(false);
    expect(isStatusByte(0xff)).toBe(false);
  });
});

describe('templates decode back to the expected text', () => {
  it('queue ticket', () => {
    const items = decodeEscPos(buildTicket(ticketDataSchema.parse(sampleTicket)));
    const lines = transcriptLines(items);
    expect(lines).toContain('青山湖区湖坊镇便民服务中心');
    expect(lines).toContain('A012');
    expect(lines).toContain('社保医保');
    expect(lines).toContain('您前面还有 5 人等候');
    expect(lines).toContain('取号时间：2026-11-29 09:30');
    expect(lines).toContain('[QR https://example.gov.cn/q/A012]');
    expect(lines.at(-1)).toBe('[partial cut]');
    const number = items.find((i) => i.type === 'text' && i.text === 'A012');
    expect(number).toMatchObject({ width: 4, height: 4, bold: true, align: 'center' });
    expect(items.filter((i) => i.type === 'text' && /[\u4e00-\u9fff]/.test(i.text)).every((i) => i.type === 'text' && i.chinese)).toBe(true);
  });

  it('queue ticket issued while the hub was down: people ahead unknown, never a made-up count', () => {
    const lines = transcriptLines(decodeEscPos(buildTicket(ticketDataSchema.parse({ ...sampleTicket, waitingCount: null, notice: '服务站主机离线时取号，请留意大屏叫号' }))));
    expect(lines).toContain('前面等候人数暂无法获取');
    expect(lines.some((l) => l.includes('您前面还有'))).toBe(false);
    expect(lines).toContain('服务站主机离线时取号，请留意大屏叫号');
  });

  it('acceptance receipt with a masked ID number and a rare name character', () => {
    const bytes = buildReceipt(receiptDataSchema.parse(sampleReceipt), { rasterizer: new FontGlyphRasterizer() });
    const lines = transcriptLines(decodeEscPos(bytes));
    expect(lines).toContain('受理回执');
    expect(lines.some((l) => l.startsWith('事项名称：') && l.endsWith('城乡居民基本养老保险参保登记'))).toBe(true);
    expect(lines.some((l) => l.includes('0192f3a4-7b8c-7def-8123-456789abcdef'))).toBe(true);
    expect(lines.some((l) => l.endsWith('3611**********0024'))).toBe(true);
    // The applicant line holds 䶮 (not in the GBK font): printed whole as one 48-column raster line.
    const items = decodeEscPos(bytes);
    const images = items.filter((i): i is Extract<TranscriptItem, { type: 'image' }> => i.type === 'image');
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ width: 48 * 12, height: 24 });
    expect(lines).toContain('▣');
    expect(lines.some((l) => l.includes('雷'))).toBe(false);
    expect(lines.some((l) => l.endsWith('5个工作日'))).toBe(true);
    expect(lines).toEqual(expect.arrayContaining(['已收材料（3项）：', '1. 居民身份证', '2. 户口簿 ×1', '3. 一寸照片 ×2']));
    expect(lines).toContain('[QR https://example.gov.cn/p/0192f3a4]');
    expect(lines.at(-1)).toBe('[partial cut]');
    expect(Buffer.from(bytes).includes(Buffer.from('361122195208150024'))).toBe(false);
  });

  it('template data: garbage is rejected with clear issues', () => {
    expect(ticketDataSchema.safeParse({ ...sampleTicket, waitingCount: -1 }).success).toBe(false);
    expect(ticketDataSchema.safeParse({ ...sampleTicket, issuedAt: 'yesterday' }).success).toBe(false);
    expect(receiptDataSchema.safeParse({ ...sampleReceipt, materials: 'all' }).success).toBe(false);
    expect(receiptDataSchema.safeParse(null).success).toBe(false);
  });

  it('formats the station zone whatever the host zone (default Asia/Shanghai; garbage zone → default)', () => {
    expect(formatStationTime('2026-11-29T16:30:00Z')).toBe('2026-11-30 00:30');
    expect(formatStationTime('2026-11-29T16:30:00Z', 'Asia/Urumqi')).toBe('2026-11-29 22:30');
    expect(formatStationTime('2026-11-29T16:30:00Z', 'Mars/Base')).toBe('2026-11-30 00:30');
    expect(formatStationTime('not a date')).toBe('not a date');
  });

  it('slips carry the station wall clock at every hour of the UTC day (and at the midnight edges)', () => {
    const wall = (ms: number, offsetH: number) => new Date(ms + offsetH * 3_600_000).toISOString().replace('T', ' ').slice(0, 16);
    const instants: number[] = [];
    for (let h = 0; h < 24; h++) instants.push(Date.parse(`2027-01-10T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 37 + 11) % 60) * 60_000 + ((h * 53) % 60) * 1000);
    for (const edge of ['00:00:00.000', '10:00:00.000', '11:59:59.999', '15:59:59.999', '16:00:00.000', '17:59:59.999', '18:00:00.000', '23:59:59.999']) instants.push(Date.parse(`2027-01-10T${edge}Z`));
    for (const t of instants) {
      const iso = new Date(t).toISOString();
      for (const [timeZone, offsetH] of [[undefined, 8], ['Asia/Urumqi', 6]] as const) {
        const options = timeZone ? { timeZone } : {};
        expect(transcriptLines(decodeEscPos(buildTicket(ticketDataSchema.parse({ ...sampleTicket, issuedAt: iso }), options))), `${iso} ${timeZone ?? ''}`).toContain(`取号时间：${wall(t, offsetH)}`);
        const receipt = transcriptLines(decodeEscPos(buildReceipt(receiptDataSchema.parse({ ...sampleReceipt, applicantName: '张三', acceptedAt: iso }), options)));
        expect(receipt.some((l) => l.startsWith('受理时间：') && l.endsWith(wall(t, offsetH))), `${iso} ${timeZone ?? ''}`).toBe(true);
      }
    }
  });

  it('the 回执 is true: what was received (nothing at the kiosk), what is still to be brought, the real time limit', () => {
    const lines = transcriptLines(decodeEscPos(buildReceipt(receiptDataSchema.parse({ ...sampleReceipt, materials: [], missingMaterials: [{ name: '户口簿' }, { name: '居民身份证', copies: 1 }], promisedWorkingDays: 0, timeLimit: '20个工作日' })))).join('\n');
    expect(lines).toContain('已收材料（0项）：无');
    expect(lines).toContain('待补材料（2项，请带到窗口）：');
    expect(lines).toContain('1. 户口簿');
    expect(lines).toContain('2. 居民身份证 ×1');
    expect(lines).toMatch(/承诺时限：\s+20个工作日/);
    expect(lines).not.toContain('即办');
    expect(receiptDataSchema.safeParse({ ...sampleReceipt, timeLimit: '' }).success).toBe(false);
    expect(receiptDataSchema.safeParse({ ...sampleReceipt, missingMaterials: 'all' }).success).toBe(false);
  });

  it('prints the slip times in the station zone it is given', () => {
    const lines = transcriptLines(decodeEscPos(buildReceipt(receiptDataSchema.parse({ ...sampleReceipt, acceptedAt: '2026-12-04T23:30:00Z' }), { timeZone: 'Asia/Shanghai' }))).join('\n');
    expect(lines).toContain('2026-12-05 07:30');
    const ticket = transcriptLines(decodeEscPos(buildTicket(ticketDataSchema.parse({ ...sampleTicket, issuedAt: '2026-12-04T23:30:00Z' }), { timeZone: 'Europe/London' }))).join('\n');
    expect(ticket).toContain('2026-12-04 23:30');
  });
});

describe('EscPosDecoder', () => {
  it('gives the same transcript for any chunking', () => {
    const bytes = buildTicket(ticketDataSchema.parse(sampleTicket));
    const whole = transcriptLines(decodeEscPos(bytes));
    const items: TranscriptItem[] = [];
    const d = new EscPosDecoder((i) => items.push(i));
    for (let i = 0; i < bytes.length; i += 3) d.push(bytes.subarray(i, i + 3));
    expect(transcriptLines(items)).toEqual(whole);
  });

  it('never throws on random bytes', () => {
    let s = 99;
    const d = new EscPosDecoder(() => undefined);
    for (let i = 0; i < 2000; i++) {
      const chunk = Buffer.alloc(50).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24));
      expect(() => d.push(chunk)).not.toThrow();
    }
  });
});

describe('ReceiptPrinter queue', () => {
  it('keeps jobs that cannot print and refuses new ones loudly when full', async () => {
    const { ReceiptPrinter } = await import('./printer.js');
    const p = new ReceiptPrinter({ maxQueued: 2 });
    const r1 = await p.print('ticket', Buffer.from('a'));
    expect(r1).toMatchObject({ ok: false, queued: true, error: { code: 'PRINTER_DISCONNECTED', params: { variant: 'any' } } });
    expect(!r1.ok && zhErrorWords(r1.error)).toBe('打印机未连接');
    await p.print('ticket', Buffer.from('b'));
    await expect(p.print('ticket', Buffer.from('c'))).rejects.toMatchObject({ code: 'PRINT_QUEUE_FULL' });
    expect(p.pending().map((j) => j.bytes.toString())).toEqual(['a', 'b']);
    expect(p.cancel(r1.jobId)).toBe(true);
    await expect(p.retry('nope')).rejects.toMatchObject({ code: 'NO_SUCH_JOB' });
  });
});
