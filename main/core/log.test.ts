import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, removeExpiredLogs, scrub } from './log';

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

describe('logger: scrubbing by field and of Chinese text (issue 13 item 6)', () => {
  it('drops names and addresses by field name, in English, pinyin and Chinese, and keeps counts', () => {
    const lines: string[] = [];
    const log = createLogger({ stderr: false, sink: (l) => lines.push(l) });
    log.warn('application.invalid', { holder: 'Wang Jianguo', applicantName: 'Li Si', agentId: 'S002', xm: 'zhangsan', addr: 'No. 5 Hongdu Rd', residence: 'Nanchang', homeAddress: 'x', 住址: 'y', village: 'Xiaolan', contactPhone: '0791-8888', email: 'a@b.cn', nameCount: 3, station: '360121201' });
    const row = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const k of ['holder', 'applicantName', 'agentId', 'xm', 'addr', 'residence', 'homeAddress', '住址', 'village', 'contactPhone', 'email']) expect(row[k], k).toBe('[redacted]');
    expect(row).toMatchObject({ nameCount: 3, station: '360121201', level: 'warn', event: 'application.invalid' });
    expect(lines[0]).not.toMatch(/Wang|Li Si|Hongdu|Xiaolan|zhangsan/);
  });

  it('replaces Chinese text in any other value and in event names (logs are English)', () => {
    expect(scrub('failed for 王建国 at 江西省南昌市红谷滩区丰和大道1号 today')).toBe('failed for [redacted] at [redacted] today');
    expect(scrub('阿依古丽·买买提 ok')).toBe('[redacted] ok');
    expect(scrub('𠀾𪚥 rare')).toBe('[redacted] rare');
    const lines: string[] = [];
    const log = createLogger({ stderr: false, sink: (l) => lines.push(l) });
    log.error('print 张三 failed', { detail: 'holder 李四, 住 青山湖区', reason: 'timeout' });
    expect(lines[0]).not.toMatch(/[\u4e00-\u9fff]/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'print [redacted] failed', reason: 'timeout' });
  });

  it('garbage fields do not break a line: odd keys, long values, control characters', () => {
    const lines: string[] = [];
    const log = createLogger({ stderr: false, sink: (l) => lines.push(l) });
    log.info('x', { '\u0000': 'a\u0000b', ['k'.repeat(300)]: 'v'.repeat(5000), n: Number.NaN, ok: null });
    const row = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(String(row['k'.repeat(300)]).length).toBeLessThanOrEqual(501);
    expect(row.n).toBeNull();
  });
});

describe('logger: bounded writes (issue 13 item 6)', () => {
  it('5,000 repeats of one error write at most the burst plus one count a minute', () => {
    let t = 1_800_000_000_000;
    const lines: string[] = [];
    const log = createLogger({ stderr: false, sink: (l) => lines.push(l), now: () => t });
    for (let i = 0; i < 5000; i++) log.warn('bridge.invalid-input', { name: 'app.ping', sender: `ws-${i}` });
    expect(lines).toHaveLength(20);
    t += 61_000;
    log.warn('bridge.invalid-input', { sender: 'ws-last' });
    const summary = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.event === 'log.suppressed');
    expect(summary).toMatchObject({ suppressedEvent: 'bridge.invalid-input', count: 4980, level: 'warn' });
    expect(lines).toHaveLength(22);
    expect(lines.join('\n').length).toBeLessThan(8000);
  });

  it('many different events share a ceiling; other events are not starved by one noisy event', () => {
    let t = 1_800_000_000_000;
    const lines: string[] = [];
    const log = createLogger({ stderr: false, sink: (l) => lines.push(l), now: () => t, burst: 5, ceiling: 50 });
    for (let i = 0; i < 1000; i++) log.info('noisy');
    log.info('rare');
    expect(lines.filter((l) => l.includes('"rare"'))).toHaveLength(1);
    for (let i = 0; i < 1000; i++) log.info(`event-${i}`);
    expect(lines.length).toBe(50);
    t += 60_000;
    log.info('after');
    expect(lines.some((l) => l.includes('"after"'))).toBe(true);
  });
});

describe('logger: files rotated, kept 180 days, owner-only', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'log-'));
    dirs.push(d);
    return d;
  };

  it('writes <base>.<date>.<n>.log 0600 in a 0700 folder and rotates at the size limit', async () => {
    const dir = join(temp(), 'logs');
    const log = createLogger({ file: join(dir, 'host.log'), stderr: false, rotateBytes: 4096, burst: 10_000, ceiling: 10_000 });
    // Ten bursts of 20 lines (3 KB each): the file is rotated once a write takes it past 4 KB.
    for (let b = 0; b < 10; b++) {
      for (let i = 0; i < 20; i++) log.info('tick', { i: b * 20 + i, padding: 'p'.repeat(100) });
      await log.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    await log.close();
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      expect(f).toMatch(/^host\.\d{4}-\d{2}-\d{2}\.\d+\.log$/);
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    expect(text.trim().split('\n')).toHaveLength(200);
  });

  it('deletes rotated files older than the retention (never under 180 days), and nothing else', () => {
    const dir = temp();
    const now = Date.now();
    const day = 86_400_000;
    const make = (name: string, ageDays: number) => {
      writeFileSync(join(dir, name), 'x');
      utimesSync(join(dir, name), new Date(now - ageDays * day), new Date(now - ageDays * day));
    };
    make('host.2026-01-01.1.log', 181);
    make('host.2026-01-02.1.log', 179);
    make('host.2025-01-01.3.log', 400);
    make('other.2025-01-01.1.log', 400);
    make('host.log', 400);
    expect(removeExpiredLogs(join(dir, 'host.log'), 180, now)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['host.2026-01-02.1.log', 'host.log', 'other.2025-01-01.1.log']);
    // A configured retention below the floor is raised to 180 days.
    make('host.2026-03-01.1.log', 100);
    createLogger({ file: join(dir, 'host.log'), stderr: false, retentionDays: 30 }).close();
    expect(readdirSync(dir)).toContain('host.2026-03-01.1.log');
  });
});
