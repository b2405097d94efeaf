// `npm run bench [-- name-filter]`: runs every bench/*.bench.ts in turn (tsx), each printing one
// JSON line per result; all lines also land in bench/results/latest.jsonl (not committed).
// Benches that drive the browser host (`*chromium*`, `*host*`) need the build: made first if stale.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuild, root } from './ensure-build.mjs';
import { closeRun, ensureRun, reapRun } from './test-reaper.mjs';

// The run's reaper (scripts/test-reaper.mjs): what a bench leaves running or on disk (it failed,
// or Ctrl-C stopped it) is stopped and removed after it.
const runId = ensureRun();
let interrupted = null;
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => (interrupted = sig));

const filter = process.argv[2];
const dir = join(root, 'bench');
rmSync(join(dir, 'results', 'latest.jsonl'), { force: true });
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
if (files.some((f) => /chromium|host/.test(f))) ensureBuild();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`${f} FAILED (exit ${r.status ?? r.signal})`);
  }
  const reaped = await reapRun(runId);
  if (reaped.length) console.log(`${f} left ${reaped.length} thing(s) behind, reaped:\n${reaped.map((l) => `  ${l}`).join('\n')}`);
  if (interrupted) {
    console.log(`interrupted (${interrupted})`);
    break;
  }
}
closeRun(runId);
console.log(`\n${files.length - failed} benchmarks ran, ${failed} failed; results in bench/results/latest.jsonl`);
process.exit(failed ? 1 : 0);
