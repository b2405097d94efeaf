/** Host side of the TST-BUS/1 protocol: send a command, wait for its ACK; route unsolicited frames. */
import { DeviceError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { ACK_FLAG, AckResult, BROADCAST, BusReceiver, encodeBusFrame, type BusFrame } from './protocol.js';

export class BusClient {
  private readonly receiver: BusReceiver;
  private pending: { address: number; command: number; resolve(result: number): void } | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    readonly transport: Transport,
    private readonly onUnsolicited: (f: BusFrame) => void = () => undefined,
    private readonly timeoutMs = 1000,
  ) {
    this.receiver = new BusReceiver((f) => this.onFrame(f));
    this.unsubscribe = transport.onData((chunk) => this.receiver.push(chunk));
  }

  dispose(): void {
    this.unsubscribe();
  }

  private onFrame(f: BusFrame): void {
    const p = this.pending;
    if (p && f.address === p.address && f.command === (p.command | ACK_FLAG)) {
      this.pending = null;
      p.resolve(f.data[0] ?? AckResult.badData);
      return;
    }
    this.onUnsolicited(f);
  }

  /** Reply to a device-initiated frame (no wait). */
  async ack(address: number, command: number): Promise<void> {
    await this.transport.write(encodeBusFrame({ address, command: command | ACK_FLAG, data: Buffer.from([AckResult.ok]) }));
  }

  send(address: number, command: number, data: Buffer = Buffer.alloc(0)): Promise<void> {
    const run = () => this.sendNow(address, command, data);
    const r = this.chain.then(run, run);
    this.chain = r.catch(() => undefined);
    return r;
  }

  private async sendNow(address: number, command: number, data: Buffer): Promise<void> {
    const frame = encodeBusFrame({ address, command, data });
    if (address === BROADCAST) {
      await this.transport.write(frame);
      return;
    }
    const result = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new DeviceError('TIMEOUT', `no ACK from bus address ${address} for command 0x${command.toString(16)}`, { variant: 'bus' }));
      }, this.timeoutMs);
      this.pending = {
        address,
        command,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.transport.write(frame).catch((err: unknown) => {
        clearTimeout(timer);
        this.pending = null;
        reject(err);
      });
    });
    if (result !== AckResult.ok) {
      const what = ['ok', 'unsupported command', 'bad data', 'text too long'][result] ?? `result ${result}`;
      throw new DeviceError('DEVICE_REJECTED', `bus address ${address} rejected command 0x${command.toString(16)}: ${what}`);
    }
  }
}
