/**
 * Device benchmarks (medians; JSON lines via ./stats):
 *   devices-idcard-read-cycle   find + select + read base over a socat pty against the reader emulator,
 *                               compared with the wire time of the same bytes at 115200 baud 8N1
 *                               (the 1295-byte read-base reply alone ≈ 112 ms). A pty has no baud rate,
 *                               so this measures the driver/OS overhead; real hardware adds the wire time.
 *   devices-idcard-parse        receive state machine + read-base parse of one 1295-byte frame
 *   devices-escpos-receipt      build one acceptance receipt (GB18030, QR), with and without a raster glyph
 * Env: BENCH_READS (default 40), BENCH_PARSES (default 20000), BENCH_BUILDS (default 300).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdCardEmulator, loadCardFile } from '../devices/emulators/idcard-emulator';
import { FontGlyphRasterizer } from '../devices/escpos/raster';
import { receiptDataSchema } from '../devices/protocol/print-data';
import { buildReceipt } from '../devices/escpos/templates';
import { encodeBaseMessage, parseBaseMessage } from '../devices/idcard/base-message';
import { encodeTextBlock, placeholderWlt } from '../devices/idcard/card-json';
import { encodeCommand, encodeResponse } from '../devices/idcard/frame';
import { FrameReceiver } from '../devices/idcard/receiver';
import { SamReader } from '../devices/idcard/reader';
import { SerialTransport } from '../devices/transport/serial';
import { median, percentile, report } from './stats';

const READS = Number(process.env.BENCH_READS ?? 40);
const PARSES = Number(process.env.BENCH_PARSES ?? 20_000);
const BUILDS = Number(process.env.BENCH_BUILDS ?? 300);
const cards = path.join(import.meta.dirname, '../devices/emulators/cards');
const wireMs = (bytes: number) => (bytes * 10 * 1000) / 115200; // 8N1 = 10 bits a byte

async function readCycle(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-devices-'));
  const emu = new IdCardEmulator(path.join(dir, 'dev'), path.join(dir, 'host'));
  await emu.start();
  const t = new SerialTransport(emu.hostPath, 115200);
  await t.open();
  const reader = new SamReader(t, { timeoutMs: 2000 });
  const card = loadCardFile(path.join(cards, 'resident.json'));
  const samples: number[] = [];
  try {
    for (let i = 0; i < READS + 3; i++) {
      emu.present(card);
      const t0 = performance.now();
      if (!(await reader.findCard())) throw new Error('no card');
      if (!(await reader.selectCard())) throw new Error('select failed');
      await reader.readBase();
      if (i >= 3) samples.push(performance.now() - t0); // 3 warm-up cycles
    }
  } finally {
    reader.dispose();
    await t.close();
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const cycleBytes = 3 * encodeCommand(0x20, 0x01).length + encodeResponse(0x9f).length + encodeResponse(0x90).length + 1295;
  report({
    name: 'devices-idcard-read-cycle',
    median_ms: median(samples),
    p90_ms: percentile(samples, 90),
    samples: samples.length,
    baseline_wire_ms_read_base_frame: wireMs(1295),
    baseline_wire_ms_full_cycle: wireMs(cycleBytes),
    note: 'pty has no baud rate: hardware time ≈ median + wire time',
  });
}

function parse(): void {
  const frame = encodeResponse(0x90, encodeBaseMessage(encodeTextBlock(loadCardFile(path.join(cards, 'foreign-2023.json'))), placeholderWlt()));
  if (frame.length !== 1295) throw new Error(`frame is ${frame.length} bytes`);
  let parsed = 0;
  const receiver = new FrameReceiver({
    frame: (payload) => {
      parseBaseMessage(payload.subarray(3));
      parsed++;
    },
  });
  const batches: number[] = [];
  const BATCH = 200;
  for (let done = 0; done < PARSES; done += BATCH) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) {
      // delivered as a serial driver would: a few chunks
      receiver.push(frame.subarray(0, 500));
      receiver.push(frame.subarray(500, 1000));
      receiver.push(frame.subarray(1000));
    }
    batches.push((performance.now() - t0) / BATCH);
  }
  if (parsed !== batches.length * BATCH) throw new Error(`parsed ${parsed}`);
  report({ name: 'devices-idcard-parse', median_ms: median(batches.slice(5)), median_us: median(batches.slice(5)) * 1000, p90_ms: percentile(batches.slice(5), 90), frames: parsed, frame_bytes: frame.length });
}

function build(): void {
  const data = receiptDataSchema.parse(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../devices/emulators/print-samples/receipt.json'), 'utf8')));
  const plain = { ...data, applicantName: '王建国' };
  const rasterizer = new FontGlyphRasterizer();
  buildReceipt(data, { rasterizer }); // load the font once
  for (const [name, d, opts] of [
    ['devices-escpos-receipt', plain, {}],
    ['devices-escpos-receipt-raster-glyph', data, { rasterizer }],
  ] as const) {
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < BUILDS; i++) {
      const t0 = performance.now();
      bytes = buildReceipt(d, opts).length;
      samples.push(performance.now() - t0);
    }
    report({ name, median_ms: median(samples.slice(10)), median_us: median(samples.slice(10)) * 1000, p90_ms: percentile(samples.slice(10), 90), samples: samples.length - 10, bytes });
  }
}

await readCycle();
parse();
build();
