/** Key-type evaluator (buttons 1–5) on TST-BUS/1: 0x20 request, 0x21 cancel; device sends 0x30 [level]. */
import { BusClient } from '../display/bus-client.js';
import { BusCommand, encodeText } from '../display/protocol.js';
import type { Transport } from '../transport/types.js';
import type { EvaluationLevel, EvaluatorDriver } from './types.js';

export class GenericKeypadEvaluator implements EvaluatorDriver {
  private readonly bus: BusClient;
  private readonly listeners = new Set<(level: EvaluationLevel) => void>();
  /** Frames that were not a valid result (for diagnostics). */
  invalidResults = 0;

  constructor(
    transport: Transport,
    readonly address = 1,
  ) {
    this.bus = new BusClient(transport, (f) => {
      if (f.address !== this.address || f.command !== BusCommand.evaluationResult) return;
      const level = f.data[0];
      void this.bus.ack(this.address, f.command).catch(() => undefined);
      if (f.data.length !== 1 || level === undefined || level < 1 || level > 5) {
        this.invalidResults++;
        return;
      }
      for (const l of [...this.listeners]) l(level as EvaluationLevel);
    });
  }

  request(prompt: string, timeoutSeconds = 60): Promise<void> {
    return this.bus.send(this.address, BusCommand.evaluationRequest, Buffer.concat([Buffer.from([Math.min(255, timeoutSeconds)]), encodeText(prompt)]));
  }

  cancel(): Promise<void> {
    return this.bus.send(this.address, BusCommand.evaluationCancel);
  }

  async ping(): Promise<boolean> {
    try {
      await this.bus.send(this.address, BusCommand.ping);
      return true;
    } catch {
      return false;
    }
  }

  onResult(listener: (level: EvaluationLevel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.bus.dispose();
  }
}
