// `npm run host -- [...]`: builds if needed, then runs the browser host (out/main/host.js).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';
import { ensureBuild, root } from './ensure-build.mjs';

try {
  bootstrap('app');
  ensureBuild();
} catch (error) {
  process.stderr.write(`host: ${error.message}\n`);
  process.exit(1);
}
const child = spawn(process.execPath, [join(root, 'out', 'main', 'host.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
