// `npm run hall -- [--no-open] [--data-dir D] [--port-base N]`: a whole hall on one machine (province,
// station hub, kiosk, counters 1 and 2, hall display; see scripts/hall.ts). Prints one WINDOW line per
// terminal and `READY` when all four answer; Ctrl-C or SIGTERM stops everything it started.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bootstrap } from './bootstrap.mjs';
import { ensureBuild, root } from './ensure-build.mjs';

const USAGE = 'usage: npm run hall -- [--no-open] [--data-dir DIR (default .data/hall)] [--port-base N (default 8790; 0 = any free ports)]';

let values;
try {
  ({ values } = parseArgs({
    options: { 'no-open': { type: 'boolean', default: false }, 'data-dir': { type: 'string' }, 'port-base': { type: 'string' }, help: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  process.stderr.write(`hall: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const raw = values['port-base'];
const portBase = raw === undefined ? 8790 : Number(raw);
if (raw !== undefined && (!/^\d{1,5}$/.test(raw) || (portBase !== 0 && (portBase < 1024 || portBase > 65530)))) {
  process.stderr.write(`hall: --port-base must be 0 (any free ports) or 1024-65530 (got ${JSON.stringify(raw)})\n${USAGE}\n`);
  process.exit(2);
}

try {
  bootstrap('app');
  ensureBuild();
} catch (error) {
  process.stderr.write(`hall: ${error.message}\n`);
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
const { startHall, describe, hallCommand, HALL_COMMANDS_HELP } = await import('./hall.ts');

let hall = null;
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write('hall: stopping…\n');
  await hall?.stop();
  process.exit(code);
};
// A signal during start-up waits for it to finish, then stops what it started.
let signalled = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (hall) void stop(0);
    else signalled = sig;
  });
}

try {
  hall = await startHall({ dataDir: values['data-dir'] ?? join(root, '.data', 'hall'), portBase, open: !values['no-open'] });
} catch (error) {
  process.stderr.write(`hall: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
if (signalled) await stop(0);
process.stdout.write(`PROVINCE ${hall.province.url}\nHUB ${hall.hub.url} (station ${hall.hub.stationId})\n`);
for (const t of hall.terminals) process.stdout.write(`${describe(t)}\n`);
process.stdout.write('READY\n');
if (hall.openProblem) process.stderr.write(`hall: ${hall.openProblem}\n`);
process.stderr.write(`hall: Ctrl-C stops the whole hall; type a line to drive the emulated devices (${HALL_COMMANDS_HELP})\n`);
// stdin drives the emulated devices; its end (no terminal, /dev/null) changes nothing.
createInterface({ input: process.stdin }).on('line', (line) => {
  const answer = hallCommand(hall, line);
  if (answer) process.stdout.write(`${answer}\n`);
});
let running = hall.terminals.length;
hall.onTerminalExit((t, code) => {
  process.stderr.write(`hall: the ${t.name} host stopped (exit ${code}); the others keep running\n`);
  if (--running === 0) void stop(1);
});
hall.onWindowsClosed(() => {
  process.stderr.write('hall: every window was closed\n');
  void stop(0);
});
