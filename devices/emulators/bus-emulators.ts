/** Emulators for TST-BUS/1 devices: a window LED strip and a key-type evaluator. */
import { ACK_FLAG, AckResult, BusCommand, BusReceiver, decodeText, encodeBusFrame, type BusFrame } from '../display/protocol.js';
import { EmulatorHost } from './host.js';

abstract class BusDeviceEmulator extends EmulatorHost {
  private readonly receiver = new BusReceiver((f) => this.onFrame(f));
  badFrames = 0;

  constructor(
    deviceLink: string,
    hostLink: string,
    readonly address = 1,
  ) {
    super(deviceLink, hostLink);
  }

  protected handle(chunk: Buffer): void {
    this.receiver.push(chunk);
  }

  protected reply(command: number, result: number): void {
    this.send(encodeBusFrame({ address: this.address, command: command | ACK_FLAG, data: Buffer.from([result]) }));
  }

  private onFrame(f: BusFrame): void {
    if (f.address !== this.address && f.address !== 0) return;
    if (f.command & ACK_FLAG) return this.onAck(f);
    const result = this.onCommand(f);
    if (f.address !== 0) this.reply(f.command, result);
  }

  protected onAck(_f: BusFrame): void {}
  protected abstract onCommand(f: BusFrame): number;
}

export class LedDisplayEmulator extends BusDeviceEmulator {
  /** Current text per line. */
  readonly lines = new Map<number, string>();
  readonly history: string[] = [];
  brightness = 8;
  onShow: ((text: string, line: number) => void) | null = null;

  protected onCommand(f: BusFrame): number {
    switch (f.command) {
      case BusCommand.showText: {
        if (f.data.length < 2) return AckResult.badData;
        const text = decodeText(f.data.subarray(2));
        if (text.length > 64) return AckResult.textTooLong;
        this.lines.set(f.data[0]!, text);
        this.history.push(text);
        this.onShow?.(text, f.data[0]!);
        return AckResult.ok;
      }
      case BusCommand.clear:
        this.lines.clear();
        return AckResult.ok;
      case BusCommand.brightness:
        if (f.data.length !== 1 || f.data[0]! > 15) return AckResult.badData;
        this.brightness = f.data[0]!;
        return AckResult.ok;
      case BusCommand.ping:
        return AckResult.ok;
      default:
        return AckResult.unsupported;
    }
  }
}

export class EvaluatorEmulator extends BusDeviceEmulator {
  /** Prompt while an evaluation is requested, else null. */
  prompt: string | null = null;
  acks = 0;
  onRequest: ((prompt: string) => void) | null = null;

  protected onCommand(f: BusFrame): number {
    switch (f.command) {
      case BusCommand.evaluationRequest:
        if (f.data.length < 1) return AckResult.badData;
        this.prompt = decodeText(f.data.subarray(1));
        this.onRequest?.(this.prompt);
        return AckResult.ok;
      case BusCommand.evaluationCancel:
        this.prompt = null;
        return AckResult.ok;
      case BusCommand.ping:
        return AckResult.ok;
      default:
        return AckResult.unsupported;
    }
  }

  protected override onAck(f: BusFrame): void {
    if (f.command === (BusCommand.evaluationResult | ACK_FLAG)) this.acks++;
  }

  /** A resident presses button `level` (1–5). Sent even without a request, as a real keypad would. */
  press(level: number): void {
    this.prompt = null;
    this.send(encodeBusFrame({ address: this.address, command: BusCommand.evaluationResult, data: Buffer.from([level]) }));
  }
}
