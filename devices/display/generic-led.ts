import type { Transport } from '../transport/types.js';
import { BusClient } from './bus-client.js';
import { BusCommand, showTextData } from './protocol.js';
import type { WindowDisplayDriver, WindowDisplayMessage } from './types.js';

/** Window LED strip speaking TST-BUS/1 at one bus address. */
export class GenericLedDisplay implements WindowDisplayDriver {
  private readonly bus: BusClient;

  constructor(
    transport: Transport,
    readonly address = 1,
  ) {
    this.bus = new BusClient(transport);
  }

  show(m: WindowDisplayMessage): Promise<void> {
    return this.bus.send(this.address, BusCommand.showText, showTextData(m.text, m.line ?? 0, m.effect ?? 'static'));
  }

  clear(): Promise<void> {
    return this.bus.send(this.address, BusCommand.clear);
  }

  async ping(): Promise<boolean> {
    try {
      await this.bus.send(this.address, BusCommand.ping);
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {
    this.bus.dispose();
  }
}
