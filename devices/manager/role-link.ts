/**
 * Keeps one device role connected: open the transport, run the role's setup, wait for the link to drop,
 * then reconnect with backoff. Never throws; every problem becomes a status.
 */
import { DeviceError, toDeviceError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { Backoff } from './backoff.js';
import type { DeviceParams, DeviceRole, DeviceStatus } from './schemas.js';
import { WakeableSleep } from '../wakeable-sleep.js';

export interface RoleLinkHooks {
  /** Create and open the transport (may probe). Throw a DeviceError when nothing is there. */
  open(): Promise<Transport>;
  /** Role setup on a fresh link (handshake, start polling). Throw to reject the link. */
  setup(transport: Transport): Promise<void>;
  /** Called when the link is gone (before reconnecting). */
  teardown(): Promise<void> | void;
}

export class RoleLink {
  private status: DeviceStatus;
  private running = false;
  private loop: Promise<void> | null = null;
  private transport: Transport | null = null;
  private readonly sleeper = new WakeableSleep();
  private readonly backoff: Backoff;

  constructor(
    readonly role: DeviceRole,
    private readonly hooks: RoleLinkHooks,
    private readonly publish: (s: DeviceStatus) => void,
    reconnect: { initialMs: number; maxMs: number } = { initialMs: 500, maxMs: 15_000 },
  ) {
    this.backoff = new Backoff(reconnect.initialMs, reconnect.maxMs);
    this.status = { role, state: 'disconnected', say: 'NOT_CONNECTED', since: new Date().toISOString() };
  }

  get current(): DeviceStatus {
    return this.status;
  }

  get link(): Transport | null {
    return this.transport?.isOpen ? this.transport : null;
  }

  /**
   * Publish a status: `say` is its words' code (renderer: `device.status.<say>`, else the error words
   * of that code with `params`); unchanged state + code + words is not republished.
   */
  setStatus(state: DeviceStatus['state'], say: string, extra: { code?: string; detail?: string; params?: DeviceParams } = {}): void {
    const s = this.status;
    if (s.state === state && s.say === say && s.code === extra.code && sameParams(s.params, extra.params)) return;
    this.status = {
      role: this.role,
      state,
      say,
      ...(extra.params ? { params: { ...extra.params } } : {}),
      ...(extra.code ? { code: extra.code } : {}),
      ...(extra.detail ? { detail: extra.detail } : {}),
      ...(this.transport ? { transport: this.transport.description } : {}),
      since: new Date().toISOString(),
    };
    try {
      this.publish(this.status);
    } catch {
      // never let a listener break the link
    }
  }

  /** Publish a device error as the status (its words: the error's code and params). */
  setError(state: DeviceStatus['state'], e: { code: string; message: string; params?: DeviceParams }): void {
    this.setStatus(state, e.code, { code: e.code, detail: e.message, params: { variant: 'any', ...e.params } });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    const t = this.transport;
    await t?.close().catch(() => undefined);
    await this.loop;
    this.loop = null;
  }

  /** Drop the current link (e.g. after a fatal protocol error); the loop reconnects. */
  async drop(): Promise<void> {
    await this.transport?.close().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return this.sleeper.sleep(ms);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let transport: Transport | null = null;
      try {
        transport = await this.hooks.open();
        if (!this.running) {
          await transport.close().catch(() => undefined);
          break;
        }
        this.transport = transport;
        const closed = new Promise<Error | undefined>((resolve) => transport!.onClose((err) => resolve(err)));
        if (!transport.isOpen) throw new DeviceError('DISCONNECTED', 'link closed during setup');
        await this.hooks.setup(transport);
        this.backoff.reset();
        const err = await closed;
        await this.hooks.teardown();
        if (!this.running) break;
        this.setStatus('disconnected', 'RECONNECTING', { code: 'DISCONNECTED', detail: err?.message ?? 'link closed' });
      } catch (err) {
        const e = toDeviceError(err);
        await transport?.close().catch(() => undefined);
        await Promise.resolve(this.hooks.teardown()).catch(() => undefined);
        if (!this.running) break;
        const notThere = e.code === 'OPEN_FAILED' || e.code === 'NOT_FOUND';
        this.setError(notThere ? 'disconnected' : 'error', e);
      }
      this.transport = null;
      if (!this.running) break;
      await this.sleep(this.backoff.delay());
    }
  }
}

function sameParams(a: DeviceParams | undefined, b: DeviceParams | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}
