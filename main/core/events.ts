/**
 * Main → renderer events. Payloads are validated against the contract before they are sent, so
 * a bug in a service cannot push malformed data into a page.
 */
import { eventAllowedFor, events, type EventName, type EventPayload, type Role } from '../../preload/contract';
import type { Logger } from './log';

export type EventListener = (name: EventName, payload: unknown) => void;
/** A feature's say on whether a window of `role` may get an event now (false = not delivered). */
export type EventGate = (name: EventName, role: Role) => boolean;

export interface EventHub {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** Transports subscribe to forward events to their pages; returns unsubscribe. */
  subscribe(listener: EventListener): () => void;
  /**
   * Whether a window of `role` may get this event now: the contract's event roles, then every gate
   * features added (e.g. no card reads to a clerk window whose staff session is locked). Both
   * transports (Electron IPC, browser host) ask this before sending.
   */
  deliverable(name: EventName, role: Role): boolean;
  /** Adds a gate; returns its removal. */
  addGate(gate: EventGate): () => void;
}

export function createEventHub(log?: Logger): EventHub {
  const listeners = new Set<EventListener>();
  const gates = new Set<EventGate>();
  return {
    emit(name, payload) {
      const parsed = events[name].safeParse(payload);
      if (!parsed.success) {
        log?.error('event.invalid-payload', { name, issues: parsed.error.issues.length });
        return;
      }
      for (const l of listeners) {
        try {
          l(name, parsed.data);
        } catch (error) {
          log?.error('event.listener-failed', { name, error: error instanceof Error ? error.name : 'unknown' });
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliverable(name, role) {
      if (!eventAllowedFor(name, role)) return false;
      for (const gate of gates) {
        try {
          if (!gate(name, role)) return false;
        } catch {
          return false;
        }
      }
      return true;
    },
    addGate(gate) {
      gates.add(gate);
      return () => gates.delete(gate);
    },
  };
}
