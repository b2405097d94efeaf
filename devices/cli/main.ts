/**
 * Device CLI: `npm run devices -- <command>`.
 *   idcard read --port <path> [--baud 115200] [--timeout-ms 5000] [--json]
 *   emulate idcard --link <path> [--card <file.json>]
 *   emulate printer --link <path> [--paper-out]
 *   emulate display|evaluator --link <path> [--address 1]
 *   emulate demo --dir <dir> [--card <file.json>]
 *   print ticket|receipt --port <path> --data <file.json> [--transport serial|usb-lp|tcp] [--baud 115200]
 *   list
 * Results are JSON on stdout; failures are {"error":{"code","message"}} with a non-zero exit code
 * (2 for bad arguments).
 */
import { emulateCommand } from './emulate.js';
import { idcardRead } from './idcard-read.js';
import { listDevices } from './list.js';
import { CliError, errorJson, exitCodeOf, printJson } from './output.js';
import { printCommand } from './print.js';

const USAGE = 'usage: devices idcard read | emulate idcard|printer|display|evaluator|demo | print ticket|receipt | list';

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === 'idcard' && sub === 'read') await idcardRead(rest);
    else if (command === 'emulate') await emulateCommand(sub, rest);
    else if (command === 'print') await printCommand(sub, rest);
    else if (command === 'list') await listDevices();
    else throw new CliError('BAD_ARGS', USAGE, 2);
    return 0;
  } catch (err) {
    printJson(errorJson(err));
    return exitCodeOf(err);
  }
}

// Serial ports and child processes can keep the loop alive: exit explicitly once stdout is flushed.
const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.exit(code));
