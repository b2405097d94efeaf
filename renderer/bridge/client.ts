/**
 * The renderer's typed client for `window.terminal` (provided by the Electron preload or by the
 * browser host's bridge script). Types come from the one contract in preload/contract.
 */
import type { CallInput, CallName, CallOutput, EventName, EventPayload, TerminalBridge, BridgeErrorShape } from '../../preload/contract';

declare global {
  interface Window {
    terminal?: TerminalBridge;
  }
}

/** A failed bridge call. `code` is one of the contract's error codes or a handler's own code. */
export class BridgeError extends Error {
  readonly code: string;
  readonly issues: BridgeErrorShape['issues'];
  /** Names and numbers for the catalogue's `errors.<code>` (renderer/i18n/errors.ts says it). */
  readonly params: BridgeErrorShape['params'];
  /** Chinese text for people, from handlers whose words are not in the catalogue yet. */
  readonly userMessage: string | undefined;
  constructor(shape: BridgeErrorShape) {
    super(shape.message);
    this.name = 'BridgeError';
    this.code = shape.code;
    this.issues = shape.issues;
    this.params = shape.params;
    this.userMessage = shape.userMessage;
  }
}

function bridge(): TerminalBridge {
  const b = window.terminal;
  if (!b) throw new BridgeError({ code: 'BRIDGE_UNAVAILABLE', message: 'window.terminal is not available' });
  return b;
}

/** Call main; resolves with the validated output or rejects with a BridgeError. */
export async function call<N extends CallName>(name: N, ...args: undefined extends CallInput<N> ? [input?: CallInput<N>] : [input: CallInput<N>]): Promise<CallOutput<N>> {
  const envelope = await bridge().invoke(name, args[0]);
  if (envelope.ok) return envelope.value as CallOutput<N>;
  throw new BridgeError(envelope.error);
}

/** Subscribe to an event from main; returns the unsubscribe function. */
export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge().on(event, listener as (payload: unknown) => void);
}

export const hasBridge = (): boolean => typeof window !== 'undefined' && !!window.terminal;
