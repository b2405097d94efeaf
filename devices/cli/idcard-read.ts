/** `idcard read --port <path> [--baud 115200] [--timeout-ms 5000] [--json]`: wait for one card. */
import { DeviceError, toDeviceError } from '../errors.js';
import { toCardJson, type IdCardJson } from '../idcard/card-json.js';
import { maskIdNumber } from '../idcard/id-number.js';
import { SamReader } from '../idcard/reader.js';
import { MIN_POLL_INTERVAL_MS } from '../idcard/session.js';
import { SerialTransport } from '../transport/serial.js';
import { intOption, parseOptions, requireString } from './args.js';
import { printJson } from './output.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function readOneCard(port: string, baud: number, timeoutMs: number): Promise<IdCardJson> {
  const transport = new SerialTransport(port, baud);
  await transport.open();
  const reader = new SamReader(transport, { timeoutMs: Math.min(2000, timeoutMs) });
  const deadline = Date.now() + timeoutMs;
  let lastError: DeviceError | null = null;
  try {
    while (Date.now() < deadline) {
      const started = Date.now();
      try {
        if (await reader.findCard()) {
          if (!(await reader.selectCard())) throw new DeviceError('SELECT_CARD_FAILED', 'selectCard: card did not answer');
          return toCardJson(await reader.readBase());
        }
      } catch (err) {
        lastError = toDeviceError(err);
        if (lastError.code === 'DISCONNECTED') throw lastError;
      }
      await sleep(Math.max(0, Math.min(MIN_POLL_INTERVAL_MS - (Date.now() - started), deadline - Date.now())));
    }
    if (lastError) throw new DeviceError(lastError.code, `no card read within ${timeoutMs} ms; last error: ${lastError.message}`, { variant: String(lastError.params.variant), params: lastError.params });
    throw new DeviceError('NO_CARD', `no card presented within ${timeoutMs} ms`);
  } finally {
    reader.dispose();
    await transport.close().catch(() => undefined);
  }
}

export async function idcardRead(args: string[]): Promise<void> {
  const o = parseOptions(args, {
    port: { type: 'string' },
    baud: { type: 'string' },
    'timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
  });
  const port = requireString(o.port, 'port');
  const baud = intOption(o.baud, 'baud', 115200, 1200, 921600);
  const timeoutMs = intOption(o['timeout-ms'], 'timeout-ms', 5000, 100, 600_000);
  const card = await readOneCard(port, baud, timeoutMs);
  if (o.json) {
    printJson(card);
    return;
  }
  // Human-readable form masks the number; use --json for the full record.
  const lines = [
    `cardType: ${card.cardType}`,
    `name: ${card.name}`,
    card.englishName ? `englishName: ${card.englishName}` : '',
    `sex: ${card.sex}`,
    card.nation !== undefined ? `nation: ${card.nation ?? '?'} (${card.nationCode})` : '',
    card.nationality ? `nationality: ${card.nationality}` : '',
    `birthDate: ${card.birthDate}`,
    `idNumber: ${maskIdNumber(card.idNumber)} (${card.idNumberValid ? 'valid' : 'INVALID'})`,
    `validFrom: ${card.validFrom}  validTo: ${card.validTo}`,
    ...card.warnings.map((w) => `warning: ${w}`),
  ].filter(Boolean);
  process.stdout.write(`${lines.join('\n')}\n`);
}
