/** `print ticket|receipt --port <path> --data <file.json> [--transport serial|usb-lp|tcp] [--baud]`. */
import { ReceiptPrinter } from '../escpos/printer.js';
import { FontGlyphRasterizer } from '../escpos/raster.js';
import { receiptDataSchema, ticketDataSchema } from '../protocol/print-data.js';
import { buildReceipt, buildTicket } from '../escpos/templates.js';
import { createTransport } from '../transport/create.js';
import type { TransportConfig } from '../transport/types.js';
import { intOption, parseOptions, readJsonFile, requireString } from './args.js';
import { CliError, printJson } from './output.js';

export async function printCommand(kind: string | undefined, args: string[]): Promise<void> {
  if (kind !== 'ticket' && kind !== 'receipt') throw new CliError('BAD_ARGS', 'usage: print ticket|receipt --port <path> --data <file.json>', 2);
  const o = parseOptions(args, {
    port: { type: 'string' },
    data: { type: 'string' },
    transport: { type: 'string' },
    baud: { type: 'string' },
    charset: { type: 'string' },
  });
  const port = requireString(o.port, 'port');
  const file = requireString(o.data, 'data');
  const raw = readJsonFile(file);
  const parsed = kind === 'ticket' ? ticketDataSchema.safeParse(raw) : receiptDataSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError('INVALID_INPUT', `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const charset = o.charset ?? 'gbk';
  if (charset !== 'gbk' && charset !== 'gb18030') throw new CliError('BAD_ARGS', '--charset must be gbk or gb18030', 2);
  const builderOptions = { printerCharset: charset, rasterizer: new FontGlyphRasterizer() } as const;
  const bytes =
    kind === 'ticket' ? buildTicket(ticketDataSchema.parse(raw), builderOptions) : buildReceipt(receiptDataSchema.parse(raw), builderOptions);

  let config: TransportConfig;
  const via = o.transport ?? 'serial';
  if (via === 'serial') config = { kind: 'serial', path: port, baudRate: intOption(o.baud, 'baud', 115200, 1200, 921600) };
  else if (via === 'usb-lp') config = { kind: 'usb-lp', path: port };
  else if (via === 'tcp') {
    const [host, p] = port.split(':');
    config = { kind: 'tcp', host: host!, port: intOption(p, 'port (host:port)', 9100, 1, 65535) };
  } else throw new CliError('BAD_ARGS', '--transport must be serial, usb-lp or tcp', 2);

  const transport = createTransport(config);
  await transport.open();
  const printer = new ReceiptPrinter({ bidirectional: via !== 'usb-lp' });
  printer.attach(transport);
  try {
    const r = await printer.print(kind, bytes);
    if (!r.ok) throw new CliError(r.error.code, r.error.message);
    printJson({ ok: true, jobId: r.jobId, bytes: bytes.length, status: r.status && { online: r.status.online, paperNearEnd: r.status.paperNearEnd } });
  } finally {
    printer.attach(null);
    await transport.close().catch(() => undefined);
  }
}
