/**
 * Polling session: find every ≥ 300 ms, read once per card presentation, report removal.
 *
 * Presence model: after a successful read, find-card answers 0x80 until the card leaves the field or is
 * re-presented (spec: waitingsong/node-idcard-reader). While a card is "present" the session therefore
 * asks select-card: 0x90 → still there, 0x81 → removed. A 0x9F from find while present means a new
 * presentation: the card is read, and when it is a different card, removal and the new card are reported.
 * Readers that answer 0x9F for as long as a card lies on them therefore still give one read per card.
 */
import { createHash } from 'node:crypto';
import { DeviceError, toDeviceError } from '../errors.js';
import type { IdCardRead } from './card-types.js';
import type { SamReader } from './reader.js';
import { WakeableSleep } from '../wakeable-sleep.js';

export type IdCardSessionEvent =
  | { type: 'card'; card: IdCardRead }
  | { type: 'removed' }
  | { type: 'read-error'; error: DeviceError }
  /** The reader stopped answering properly (timeout, checksum, I/O). */
  | { type: 'link-error'; error: DeviceError }
  /** The reader answers again after a link error. */
  | { type: 'link-ok' }
  /** The transport closed; the session has stopped. */
  | { type: 'closed'; error?: DeviceError };

export interface IdCardSessionOptions {
  /** Poll interval, at least 300 ms (华视 API note). */
  pollIntervalMs?: number;
  /** Read 30 10 (base + fingerprint) instead of 30 01. */
  withFingerprint?: boolean;
}

export const MIN_POLL_INTERVAL_MS = 300;

const LINK_CODES = new Set(['TIMEOUT', 'BAD_CHECKSUM', 'WRITE_FAILED', 'NOT_OPEN']);

export class IdCardSession {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly sleeper = new WakeableSleep();
  private present = false;
  private cardKey: string | null = null;
  private lastReadError: string | null = null;
  private linkDown = false;
  readonly pollIntervalMs: number;

  constructor(
    private readonly reader: SamReader,
    private readonly onEvent: (event: IdCardSessionEvent) => void,
    private readonly options: IdCardSessionOptions = {},
  ) {
    this.pollIntervalMs = Math.max(MIN_POLL_INTERVAL_MS, options.pollIntervalMs ?? 500);
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
    this.loop = null;
  }

  private emit(event: IdCardSessionEvent): void {
    try {
      this.onEvent(event);
    } catch {
      // A listener's bug must not stop polling.
    }
  }

  private sleep(ms: number): Promise<void> {
    return this.sleeper.sleep(ms);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        await this.pollOnce();
        if (this.linkDown) {
          this.linkDown = false;
          this.emit({ type: 'link-ok' });
        }
      } catch (err) {
        const e = toDeviceError(err);
        if (e.code === 'DISCONNECTED' || !this.reader.transport.isOpen) {
          this.running = false;
          if (this.present) this.emit({ type: 'removed' });
          this.present = false;
          this.emit({ type: 'closed', error: e });
          break;
        }
        if (LINK_CODES.has(e.code)) {
          this.linkDown = true;
          this.emit({ type: 'link-error', error: e });
        } else if (e.code !== this.lastReadError) {
          this.lastReadError = e.code;
          this.emit({ type: 'read-error', error: e });
        }
      }
      if (!this.running) break;
      await this.sleep(Math.max(0, this.pollIntervalMs - (Date.now() - started)));
    }
  }

  private async pollOnce(): Promise<void> {
    const found = await this.reader.findCard();
    if (this.present) {
      if (found) {
        await this.readPresented();
        return;
      }
      if (!(await this.reader.selectCard())) {
        this.present = false;
        this.lastReadError = null;
        this.emit({ type: 'removed' });
      }
      return;
    }
    if (!found) {
      this.lastReadError = null;
      return;
    }
    await this.readPresented();
  }

  private async readPresented(): Promise<void> {
    if (!(await this.reader.selectCard())) {
      throw new DeviceError('SELECT_CARD_FAILED', 'selectCard: card did not answer');
    }
    const card = this.options.withFingerprint ? await this.reader.readBaseWithFingerprint() : await this.reader.readBase();
    // A digest (kept in memory only) tells a re-read of the same card from a new one.
    const key = createHash('sha256').update(JSON.stringify({ ...card, warnings: undefined, photoWlt: card.photoWlt.toString('base64'), fingerprints: undefined })).digest('hex');
    this.lastReadError = null;
    if (this.present && key === this.cardKey) return;
    if (this.present) this.emit({ type: 'removed' });
    this.present = true;
    this.cardKey = key;
    this.emit({ type: 'card', card });
  }
}
