// Strict typecheck of both worlds: Node-side code (main, preload, sync, devices, tests) and the
// web-side code (renderer + the shared contract and protocol) with vue-tsc.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './ensure-build.mjs';

let failed = false;
for (const [tool, project] of [['tsc', 'tsconfig.node.json'], ['tsc', 'tsconfig.e2e.json'], ['vue-tsc', 'tsconfig.web.json']]) {
  const r = spawnSync(join(root, 'node_modules', '.bin', tool), ['--noEmit', '-p', project], { cwd: root, stdio: 'inherit' });
  process.stdout.write(`typecheck ${project}: ${r.status === 0 ? 'ok' : 'FAILED'}\n`);
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
