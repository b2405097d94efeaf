import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from './log';

describe('logger', () => {
  it('scrubs ID numbers, phone numbers and long digit runs', () => {
    expect(scrub('id 36010219900101123X ok')).toBe('id [redacted] ok');
    expect(scrub('call 13812345678 now')).toBe('call [redacted] now');
    expect(scrub('old 360102900101123')).toBe('old [redacted]');
    expect(scrub('foreign USA360099010101')).not.toMatch(/\d{6}/);
    expect(scrub('port 4310 took 112 ms')).toBe('port 4310 took 112 ms');
  });

  it('never writes the values of personal or secret fields', () => {
    const lines: string[] = [];
    const log = createLogger({ stderr: false, sink: (l) => lines.push(l) });
    log.info('card.read', { name: '张三', idNumber: '360102199001011234', token: 'abc', phone: '13812345678', address: '南昌市', count: 2 });
    const text = lines.join('\n');
    for (const secret of ['张三', '360102199001011234', 'abc', '13812345678', '南昌市']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ event: 'card.read', count: 2, level: 'info' });
  });

  it('honours the level', () => {
    const lines: string[] = [];
    const log = createLogger({ stderr: false, level: 'warn', sink: (l) => lines.push(l) });
    log.info('a');
    log.warn('b');
    expect(lines).toHaveLength(1);
  });
});
