// `npm start`: the app in Electron where its binary is available; otherwise one line saying so
// and the browser host in system Chromium. Arguments are passed on (e.g. `-- --role clerk`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { electronBinary } from './electron-path.mjs';
import { bootstrap } from './bootstrap.mjs';
import { ensureBuild, root } from './ensure-build.mjs';

try {
  bootstrap('app');
  ensureBuild();
} catch (error) {
  process.stderr.write(`start: ${error.message}\n`);
  process.exit(1);
}
// Accept both `--role clerk` and `--role=clerk`.
const args = [];
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--role' && process.argv[i + 1]) args.push(`--role=${process.argv[++i]}`);
  else args.push(a);
}
const electron = electronBinary();
let child;
if (electron.path) {
  const roleArgs = args.filter((a) => a.startsWith('--role='));
  child = spawn(electron.path, [root, ...roleArgs], { stdio: 'inherit' });
} else {
  process.stdout.write(`Electron is not available here: ${electron.reason}. Running the browser host in system Chromium instead.\n`);
  child = spawn(process.execPath, [join(root, 'out', 'main', 'host.js'), ...args], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
