// Strict typecheck of both worlds: Node-side code (main, preload, sync, devices, tests) and the
// web-side code (renderer + the shared contract and protocol) with vue-tsc. The three projects are
// checked at once (each compiler is one thread; 2 cores: 48 s one after the other); each one's
// output is printed whole when it ends, in this order.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './ensure-build.mjs';

const projects = [['tsc', 'tsconfig.node.json'], ['tsc', 'tsconfig.e2e.json'], ['vue-tsc', 'tsconfig.web.json']];

/** Runs one compiler; its exit status (null: killed or not started) and everything it printed. */
function check(tool, project) {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'node_modules', '.bin', tool), ['--noEmit', '-p', project], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('error', (e) => resolve({ status: null, output: `${tool} did not start: ${e.message}\n` }));
    child.on('close', (status) => resolve({ status, output: Buffer.concat(out).toString() }));
  });
}

const results = await Promise.all(projects.map(([tool, project]) => check(tool, project)));
let failed = false;
results.forEach(({ status, output }, i) => {
  process.stdout.write(output);
  process.stdout.write(`typecheck ${projects[i][1]}: ${status === 0 ? 'ok' : 'FAILED'}\n`);
  failed ||= status !== 0;
});
process.exit(failed ? 1 : 0);
