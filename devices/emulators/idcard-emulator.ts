/**
 * ID card reader emulator: answers SAM commands on a pty with the bytes a reader sends, serving cards from
 * card files (cardFileSchema), with faults on demand.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { encodeBaseMessage } from '../idcard/base-message.js';
import { cardFileSchema, encodeTextBlock, placeholderWlt, type CardFile } from '../idcard/card-json.js';
import { commandName } from '../idcard/commands.js';
import { asCommand, encodeResponse, PREAMBLE } from '../idcard/frame.js';
import { FrameReceiver } from '../idcard/receiver.js';
import { EmulatorHost } from './host.js';

export type IdCardFault =
  | { kind: 'none' }
  /** Behave as if no card were on the reader. */
  | { kind: 'no-card' }
  /** Answer read commands with this SW3 (e.g. 0x41 read failed). */
  | { kind: 'status'; sw3: number }
  /** Corrupt the checksum of read replies. */
  | { kind: 'bad-checksum' }
  /** Surround every reply with garbage (random bytes and a false preamble). */
  | { kind: 'garbage' }
  /** Delay every reply. */
  | { kind: 'slow'; delayMs: number }
  /** Disappear for this long (0 = until replug()). */
  | { kind: 'unplug'; durationMs: number }
  /** Swallow every command and answer nothing, with the port still open (a hung reader, or a dead link the OS never reported closed). */
  | { kind: 'mute' };

export function loadCardFile(file: string): CardFile {
  const text = fs.readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`card file ${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = cardFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`card file ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const READ_COMMANDS = new Set(['readBase', 'readBaseWithFingerprint', 'readAdditionalAddress', 'readManagementNumber']);

export class IdCardEmulator extends EmulatorHost {
  private card: CardFile | null = null;
  /** Whether the current presentation was already read (find then answers 0x80). */
  private served = false;
  private fault: IdCardFault = { kind: 'none' };
  private faultTimes = Infinity;
  private readonly receiver = new FrameReceiver({ frame: (p) => this.onCommand(p) });
  /** Commands received, by name (for tests and the CLI log). */
  readonly commandLog: string[] = [];
  readonly samIdBytes = Buffer.from('0501201011080012345678ABCDEF0011', 'hex');
  /**
   * Reader model: true (default, as documented) = after a read, find answers 0x80 until the card is
   * re-presented; false = find answers 0x9F for as long as a card lies on the reader (seen on some readers).
   */
  rearmAfterRead = true;

  /** Put a card on the reader (a new presentation), or take it off with null. */
  present(card: CardFile | null): void {
    this.card = card;
    this.served = false;
  }

  presentFile(file: string): void {
    this.present(loadCardFile(file));
  }

  remove(): void {
    this.present(null);
  }

  /** Apply a fault, for `times` affected replies (default: until cleared). */
  setFault(fault: IdCardFault, times = Infinity): void {
    this.fault = fault;
    this.faultTimes = times;
    if (fault.kind === 'unplug') {
      this.fault = { kind: 'none' };
      void this.unplug(fault.durationMs);
    }
  }

  clearFault(): void {
    this.fault = { kind: 'none' };
  }

  protected handle(chunk: Buffer): void {
    this.receiver.push(chunk);
  }

  private consumeFault(): IdCardFault {
    const f = this.fault;
    if (f.kind !== 'none' && --this.faultTimes <= 0) this.fault = { kind: 'none' };
    return f;
  }

  private onCommand(payload: Buffer): void {
    const c = asCommand(payload);
    if (!c) return;
    const name = commandName(c.cmd, c.para) ?? `unknown-${c.cmd.toString(16)}-${c.para.toString(16)}`;
    this.commandLog.push(name);
    if (this.commandLog.length > 1000) this.commandLog.splice(0, 500);

    if (this.fault.kind === 'mute') {
      this.consumeFault();
      return;
    }
    const applies =
      this.fault.kind === 'garbage' ||
      this.fault.kind === 'slow' ||
      (this.fault.kind === 'no-card' && (name === 'findCard' || name === 'selectCard' || READ_COMMANDS.has(name))) ||
      ((this.fault.kind === 'status' || this.fault.kind === 'bad-checksum') && READ_COMMANDS.has(name));
    const fault = applies ? this.consumeFault() : ({ kind: 'none' } as const);
    const card = fault.kind === 'no-card' ? null : this.card;

    let reply: Buffer;
    if (fault.kind === 'status') reply = encodeResponse(fault.sw3);
    else reply = this.answer(name, card);

    if (fault.kind === 'bad-checksum') {
      reply = Buffer.from(reply);
      reply[reply.length - 1] = reply[reply.length - 1]! ^ 0x5a;
    }
    if (fault.kind === 'garbage') {
      // Random noise, then a false preamble with an absurd length, then the reply, then more noise.
      reply = Buffer.concat([randomBytes(17), PREAMBLE, Buffer.from([0x7f, 0xff]), randomBytes(5), reply, randomBytes(9), PREAMBLE.subarray(0, 3)]);
    }
    if (fault.kind === 'slow') setTimeout(() => this.send(reply), fault.delayMs);
    else this.send(reply);
  }

  private answer(name: string, card: CardFile | null): Buffer {
    switch (name) {
      case 'reset':
      case 'status':
        return encodeResponse(0x90);
      case 'samId':
        return encodeResponse(0x90, this.samIdBytes);
      case 'findCard':
        return encodeResponse(card && (!this.served || !this.rearmAfterRead) ? 0x9f : 0x80);
      case 'selectCard':
        return encodeResponse(card ? 0x90 : 0x81);
      case 'readBase':
      case 'readBaseWithFingerprint': {
        if (!card) return encodeResponse(0x41);
        const text = encodeTextBlock(card);
        const photo = card.photoWlt ? Buffer.from(card.photoWlt, 'base64') : placeholderWlt();
        this.served = true;
        return encodeResponse(0x90, encodeBaseMessage(text, photo, name === 'readBaseWithFingerprint' ? Buffer.alloc(0) : undefined));
      }
      case 'readAdditionalAddress':
        if (!card) return encodeResponse(0x41);
        if (!card.additionalAddress) return encodeResponse(0x91);
        return encodeResponse(0x90, Buffer.from(card.additionalAddress.padEnd(35, ' '), 'utf16le'));
      case 'readManagementNumber':
        return card ? encodeResponse(0x90, Buffer.alloc(8, 0x11)) : encodeResponse(0x41);
      default:
        return encodeResponse(0x21);
    }
  }
}
