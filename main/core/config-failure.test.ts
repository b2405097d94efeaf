// Issue 12 item 7: an error in terminal.config.json no longer silently becomes demo mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFailureMessage, loadConfig } from './config';
import { createTerminalCore } from './services';
import { createLogger } from './log';

const dir = mkdtempSync(join(tmpdir(), 'cfg-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('a broken terminal.config.json', () => {
  it('is a failure naming the file and the field, not demo mode; no file is demo mode', () => {
    const f = file('bad-field.json', JSON.stringify({ role: 'clerk', platform: { url: 'https://zw.example.gov.cn' }, kiosk: { idleTimeoutSec: 1 } }));
    const r = loadConfig(f);
    expect(r.failure).toMatchObject({ file: f, issues: [{ field: 'kiosk.idleTimeoutSec' }] });
    expect(configFailureMessage(r.failure!)).toContain(`configuration error in ${f}`);
    expect(configFailureMessage(r.failure!)).toContain('kiosk.idleTimeoutSec:');
    expect(loadConfig(join(dir, 'absent.json')).failure).toBeNull();
    expect(loadConfig(file('ok.json', JSON.stringify({ role: 'clerk' }))).failure).toBeNull();
  });

  it.each([
    ['not JSON', '{role: kiosk', '(file)'],
    ['unknown key', JSON.stringify({ rol: 'kiosk' }), '(root)'],
    ['garbage', '\u0000\u0001', '(file)'],
    ['bad time zone', JSON.stringify({ timeZone: 'Beijing' }), 'timeZone'],
  ])('%s → failure at %s', (_what, text, field) => {
    expect(loadConfig(file(`x-${field}.json`, text)).failure?.issues[0]?.field).toBe(field);
  });

  it('app.info carries the failure for the Chinese screen', () => {
    const r = loadConfig(file('bad2.json', JSON.stringify({ kiosk: { idleTimeoutSec: 1 } })));
    const log = createLogger({ level: 'error', stderr: false, sink: () => undefined });
    const core = createTerminalCore({ config: r.config, log, host: 'browser', version: '1.0.0', dataDir: join(dir, 'data'), configFailure: r.failure });
    expect(core.appInfo('kiosk').configError).toMatchObject({ file: r.failure!.file, issues: [{ field: 'kiosk.idleTimeoutSec' }] });
  });

  it('the browser host CLI exits non-zero with the message in English, starting nothing', () => {
    const f = file('cli-bad.json', JSON.stringify({ platform: { url: 'ftp://x' } }));
    const data = join(dir, 'cli-data');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'host', 'cli.ts'), '--no-open', '--port', '0', '--data-dir', data, '--config', f], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`configuration error in ${f}`);
    expect(r.stderr).toContain('platform.url');
    expect(r.stdout).not.toContain('READY');
    expect(existsSync(join(data, 'demo-platform'))).toBe(false);
  });
});
