/**
 * Main → renderer events. Payloads are validated against the contract before they are sent, so
 * a bug in a service cannot push malformed data into a page.
 */
import { events, type EventName, type EventPayload } from '../../preload/contract';
import type { Logger } from './log';

export type EventListener = (name: EventName, payload: unknown) => void;

export interface EventHub {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** Transports subscribe to forward events to their pages; returns unsubscribe. */
  subscribe(listener: EventListener): () => void;
}

export function createEventHub(log?: Logger): EventHub {
  const listeners = new Set<EventListener>();
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
  };
}
