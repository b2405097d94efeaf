import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDemo, loadConfig, parseConfig } from './config';

describe('terminal configuration', () => {
  it('defaults to a kiosk in demo mode when there is no file', () => {
    const { config, problems, source } = loadConfig('/nonexistent/terminal.config.json');
    expect(problems).toEqual([]);
    expect(source).toBe('defaults');
    expect(config.role).toBe('kiosk');
    expect(isDemo(config)).toBe(true);
    expect(config.kiosk.idleTimeoutSec).toBe(90);
    // the demo station's name comes from the seed data, byte for byte what it was
    expect(config.stationName).toBe('演示便民服务站');
  });

  it('reads a valid file and applies command-line overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ role: 'clerk', stationName: '湖口县流泗镇便民服务中心', platform: { url: 'https://platform.example.cn' }, kiosk: { idleTimeoutSec: 60 } }));
    const { config, problems } = loadConfig(file, { role: 'display' });
    expect(problems).toEqual([]);
    expect(config.role).toBe('display');
    expect(config.stationName).toBe('湖口县流泗镇便民服务中心');
    expect(config.kiosk).toEqual({ idleTimeoutSec: 60, countdownSec: 15, elderlyTimeoutFactor: 2 });
    expect(isDemo(config)).toBe(false);
    expect(config.platform?.recentDays).toBe(90);
    expect(parseConfig(JSON.stringify({ platform: { url: 'https://platform.example.cn', recentDays: 30 } }), 'c.json').config.platform?.recentDays).toBe(30);
  });

  it.each([
    ['not JSON', '{role: kiosk'],
    ['wrong role', JSON.stringify({ role: 'admin' })],
    ['unknown key', JSON.stringify({ rol: 'kiosk' })],
    ['idle timeout out of range', JSON.stringify({ kiosk: { idleTimeoutSec: 1 } })],
    ['non-http platform', JSON.stringify({ platform: { url: 'file:///etc/passwd' } })],
    ...[0, -5, 3651, 1.5, '30', null].map((recentDays) => [`recentDays ${JSON.stringify(recentDays)}`, JSON.stringify({ platform: { url: 'https://platform.example.cn', recentDays } })] as [string, string]),
    ['array', '[]'],
    ['binary garbage', '\u0000\u0001\u0002'],
  ])('reports %s and falls back to safe defaults', (_label, text) => {
    const { config, problems } = parseConfig(text, 'c.json');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^c\.json/);
    expect(config.role).toBe('kiosk');
  });
});
