import { describe, expect, it } from 'vitest';
import { breakLines, breakText, NO_LINE_END, NO_LINE_START, units } from './linebreak';

// Monospace measure: CJK and full-width punctuation 1, everything else 0.5.
const width = (s: string) => [...s].reduce((w, c) => w + (/[\u2E80-\uFFEF]/.test(c) ? 1 : 0.5), 0);

describe('Chinese line breaking', () => {
  it('splits into CJK characters, Latin words and spaces', () => {
    expect(units('受理号 A2026-001，请保存')).toEqual(['受', '理', '号', ' ', 'A2026-001', '，', '请', '保', '存']);
  });

  it('breaks between CJK characters within the width', () => {
    expect(breakLines('城乡居民基本医疗保险参保登记', 5, width)).toEqual(['城乡居民基', '本医疗保险', '参保登记']);
  });

  it('never starts a line with closing or pause punctuation', () => {
    const text = '请携带身份证原件，到窗口领取结果。如有疑问（电话）请咨询；谢谢！';
    for (let w = 3; w <= 12; w++) {
      const lines = breakLines(text, w, width);
      expect(lines.join('')).toBe(text);
      for (const line of lines.slice(1)) expect(NO_LINE_START.has([...line][0]!), `${w}: ${JSON.stringify(lines)}`).toBe(false);
      for (const line of lines.slice(0, -1)) expect(NO_LINE_END.has([...line].at(-1)!), `${w}: ${JSON.stringify(lines)}`).toBe(false);
    }
  });

  it('moves the previous character down instead of starting a line with 。', () => {
    expect(breakLines('一二三四。五', 4, width)).toEqual(['一二三', '四。五']);
  });

  it('handles consecutive closing marks (。」) and quotes', () => {
    const lines = breakLines('他说「好的。」然后走了', 5, width);
    expect(lines.join('')).toBe('他说「好的。」然后走了');
    for (const line of lines.slice(1)) expect(NO_LINE_START.has([...line][0]!)).toBe(false);
  });

  it('keeps Latin words and numbers whole and cuts only over-long ones', () => {
    expect(breakLines('受理号 A2026001 已生成', 5, width)).toEqual(['受理号', 'A2026001', '已生成']);
    expect(breakLines('ABCDEFGHIJKLMNOP', 4, width)).toEqual(['ABCDEFGH', 'IJKLMNOP']);
  });

  it('keeps paragraphs from explicit newlines', () => {
    expect(breakText('第一行\n\n第二行', 10, width)).toEqual(['第一行', '', '第二行']);
  });
});
