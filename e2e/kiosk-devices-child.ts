/**
 * Emulated kiosk devices in a child process (run with `node --import tsx`): the devices package
 * imports JSON sample cards, which Playwright's loader refuses. Line protocol on stdin/stdout:
 * `present <card>` | `remove` | `transcript` (→ `TRANSCRIPT <json string[]>`) | `count` (→ `COUNT n`).
 * Prints `READY <device config json>` once the emulators run.
 */
import { createInterface } from 'node:readline';
import { startDemoDevices } from '../devices';
import { transcriptLines } from '../devices/escpos/transcript';

const dir = process.argv[2]!;
const devices = await startDemoDevices(dir, { reconnect: { initialMs: 200, maxMs: 1000 } });
process.stdout.write(`READY ${JSON.stringify(devices.config)}\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'present' && arg && devices.cards[arg]) devices.idcard.presentFile(devices.cards[arg]!);
  else if (cmd === 'remove') devices.idcard.remove();
  else if (cmd === 'transcript') process.stdout.write(`TRANSCRIPT ${JSON.stringify(transcriptLines(devices.printer.transcript))}\n`);
  else if (cmd === 'count') process.stdout.write(`COUNT ${devices.printer.transcript.length}\n`);
  process.stdout.write('OK\n');
});
rl.on('close', () => void devices.stop().then(() => process.exit(0)));
