/**
 * Request/response over one transport: one SAM command in flight at a time, each with a timeout.
 * Status codes become DeviceErrors with the codes of status.ts.
 */
import { DeviceError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { parseBaseMessage } from './base-message.js';
import type { IdCardRead } from './card-types.js';
import { SamCommand, type SamCommandName } from './commands.js';
import { asResponse, encodeCommand, type SamResponseFrame } from './frame.js';
import { trimPadding } from './padding.js';
import { FrameReceiver } from './receiver.js';
import { samStatus, samStatusParams } from './status.js';

export interface SamReaderOptions {
  /** Per-command timeout. The 1295-byte read-base frame alone takes ≈ 112 ms at 115200 baud. */
  timeoutMs?: number;
  /** After a frame with a bad checksum, wait this long for a good one before failing. */
  checksumGraceMs?: number;
}

interface Pending {
  resolve(frame: SamResponseFrame): void;
  reject(err: DeviceError): void;
  checksumTimer?: NodeJS.Timeout;
}

export function timeoutError(command: string, ms: number): DeviceError {
  return new DeviceError('TIMEOUT', `no reply to ${command} within ${ms} ms`, { params: { device: 'idcard' } });
}

export class SamReader {
  private readonly receiver: FrameReceiver;
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timeoutMs: number;
  private readonly checksumGraceMs: number;
  /** Counters for diagnostics (no personal data). */
  readonly stats = { frames: 0, checksumErrors: 0, discardedBytes: 0, timeouts: 0 };

  constructor(
    readonly transport: Transport,
    options: SamReaderOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.checksumGraceMs = options.checksumGraceMs ?? 150;
    this.receiver = new FrameReceiver({
      frame: (payload) => {
        this.stats.frames++;
        const p = this.pending;
        const response = asResponse(payload);
        if (!p || !response) return; // late or unsolicited frame
        this.pending = null;
        if (p.checksumTimer) clearTimeout(p.checksumTimer);
        p.resolve(response);
      },
      checksumError: () => {
        this.stats.checksumErrors++;
        const p = this.pending;
        if (!p || p.checksumTimer) return;
        p.checksumTimer = setTimeout(() => {
          if (this.pending !== p) return;
          this.pending = null;
          p.reject(new DeviceError('BAD_CHECKSUM', 'reply frame failed its XOR check'));
        }, this.checksumGraceMs);
      },
      discarded: (n) => {
        this.stats.discardedBytes += n;
      },
    });
    this.unsubscribe.push(transport.onData((chunk) => this.receiver.push(chunk)));
    this.unsubscribe.push(
      transport.onClose(() => {
        const p = this.pending;
        this.pending = null;
        if (p?.checksumTimer) clearTimeout(p.checksumTimer);
        p?.reject(new DeviceError('DISCONNECTED', 'reader link closed', { variant: 'idcard' }));
      }),
    );
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Send a command and return the raw reply (any SW3). Commands are serialised. */
  exec(name: SamCommandName, data?: Uint8Array, timeoutMs = this.timeoutMs): Promise<SamResponseFrame> {
    const run = () => this.execNow(name, data, timeoutMs);
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private execNow(name: SamCommandName, data: Uint8Array | undefined, timeoutMs: number): Promise<SamResponseFrame> {
    const { cmd, para } = SamCommand[name];
    this.receiver.reset();
    return new Promise<SamResponseFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending !== entry) return;
        this.pending = null;
        if (entry.checksumTimer) clearTimeout(entry.checksumTimer);
        this.stats.timeouts++;
        reject(timeoutError(name, timeoutMs));
      }, timeoutMs);
      const entry: Pending = {
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.pending = entry;
      this.transport.write(encodeCommand(cmd, para, data)).catch((err: unknown) => {
        if (this.pending !== entry) return;
        this.pending = null;
        entry.reject(err instanceof DeviceError ? err : new DeviceError('WRITE_FAILED', String(err), { variant: 'idcard' }));
      });
    });
  }

  /** Send a command and require one of its success codes. */
  async run(name: SamCommandName, data?: Uint8Array, timeoutMs?: number): Promise<SamResponseFrame> {
    const reply = await this.exec(name, data, timeoutMs);
    if (!(SamCommand[name].ok as readonly number[]).includes(reply.sw3)) throw samError(name, reply.sw3);
    return reply;
  }

  async status(): Promise<void> {
    await this.run('status');
  }

  async reset(): Promise<void> {
    await this.run('reset');
  }

  /** SAM ID (16 bytes), as upper-case hex. */
  async samId(): Promise<string> {
    const r = await this.run('samId');
    return r.data.toString('hex').toUpperCase();
  }

  /** True when a card (new or re-presented) is in the field; false for 0x80. */
  async findCard(): Promise<boolean> {
    const r = await this.exec('findCard');
    if (r.sw3 === 0x9f) return true;
    if (r.sw3 === 0x80) return false;
    throw samError('findCard', r.sw3);
  }

  /** True when the card answered select; false for 0x81. */
  async selectCard(): Promise<boolean> {
    const r = await this.exec('selectCard');
    if (r.sw3 === 0x90) return true;
    if (r.sw3 === 0x81) return false;
    throw samError('selectCard', r.sw3);
  }

  async readBase(): Promise<IdCardRead> {
    const r = await this.run('readBase');
    return parseBaseMessage(r.data, false);
  }

  async readBaseWithFingerprint(): Promise<IdCardRead> {
    const r = await this.run('readBaseWithFingerprint');
    return parseBaseMessage(r.data, true);
  }

  /** Latest address (30 03), or null when the card holds none (0x91). */
  async readAdditionalAddress(): Promise<string | null> {
    const r = await this.run('readAdditionalAddress');
    if (r.sw3 === 0x91 || r.data.length === 0) return null;
    return trimPadding(r.data.subarray(0, r.data.length - (r.data.length % 2)).toString('utf16le'));
  }
}

export function samError(command: string, sw3: number): DeviceError {
  const s = samStatus(sw3);
  const err = new DeviceError(s.code, `${command}: reader status 0x${sw3.toString(16).padStart(2, '0')} (${s.description})`, { params: samStatusParams(s) });
  return Object.assign(err, { sw3 });
}
