// Garbage input to `npm run fuzz`: one clear English line, exit code 2, nothing started.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_KINDS } from './actions';
import { generate } from './fuzzer';

const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'fuzz/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('npm run fuzz with bad arguments', () => {
  it('refuses bad numbers and bad replay files with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-cli-'));
    try {
      const cases: [string[], RegExp][] = [
        [['--seeds', 'abc'], /--seeds must be a whole number from 1/],
        [['--seeds', '0'], /--seeds must be a whole number/],
        [['--terminals', '2'], /--terminals must be a whole number from 3 to 4/],
        [['--steps', '1e9'], /--steps must be a whole number/],
        [['--replay', join(dir, 'missing.json')], /not a readable JSON file/],
      ];
      writeFileSync(join(dir, 'bad.json'), '{"k":"create"}');
      cases.push([['--replay', join(dir, 'bad.json')], /not an action list/]);
      writeFileSync(join(dir, 'bad2.json'), '[{"k":"create","t":9}]');
      cases.push([['--replay', join(dir, 'bad2.json')], /not an action list/]);
      writeFileSync(join(dir, 'bad3.json'), '[{"k":"rm -rf"}]');
      cases.push([['--replay', join(dir, 'bad3.json')], /not an action list/]);
      for (const [args, message] of cases) {
        const r = run(args);
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stdout).not.toMatch(/fuzz: seeds/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a replay file accepts every action the generator writes (the shrunk repro of a failure must replay)', () => {
    const kinds = new Set<string>(ACTION_KINDS);
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) for (const a of generate(seed, { terminals: 3, steps: 80 })) seen.add(a.k);
    expect([...seen].filter((k) => !kinds.has(k))).toEqual([]);
    for (const k of ['submit-invalid', 'correct', 'lookup']) expect(seen.has(k), k).toBe(true);
  });
});
