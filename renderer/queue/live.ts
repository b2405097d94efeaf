/**
 * The station queue as a live view for a page (counter, display, kiosk): `queue.state` from main
 * (the platform computes it: windows' current tickets, waiting counts, call order), refreshed
 *
 * - at once when the platform's change stream says `queue_tickets` (or `station_config`) changed,
 *   or after a reconnect (`sync.stream` CHANGE / RESYNC, relayed by main to every window), and
 * - every `intervalMs` in any case (default 5 s) — the safety net for a missed event or a stream
 *   that is down while plain requests still pass.
 *
 * Why the state call and not the window's own replicated `queue_tickets`: what a screen shows
 * (each window's current ticket, the call order with the priority ratio, counts) is the platform's
 * decision; recomputing it from replicated documents would duplicate its rules and could show a
 * stale or different order. The display window does not even replicate. A failed refresh keeps
 * the last state on screen and says so (`error`).
 */
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue';
import type { QueueState } from '../../sync/protocol/queue';
import { BridgeError, call, hasBridge, on } from '../bridge/client';

export interface QueueLiveError {
  code: string;
  /** What the catalogue's `errors.<code>` needs (renderer/i18n/errors.ts errorText). */
  params?: Record<string, string | number>;
  /** Chinese text for people from main, when its words are not in the catalogue yet. */
  userMessage: string | null;
}

export interface QueueLiveOptions {
  intervalMs?: number;
  /** Called after every successful refresh (e.g. the display announces new calls). */
  onState?: (state: QueueState) => void;
}

export function useQueueState(options: QueueLiveOptions = {}) {
  const state = shallowRef<QueueState | null>(null);
  const error = shallowRef<QueueLiveError | null>(null);
  const loading = ref(false);
  const updatedAt = ref<number | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;
  let debounce: ReturnType<typeof setTimeout> | null = null;
  let off: (() => void) | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function once(): Promise<void> {
    loading.value = true;
    try {
      const s = await call('queue.state');
      if (stopped) return;
      state.value = s;
      error.value = null;
      updatedAt.value = Date.now();
      options.onState?.(s);
    } catch (e) {
      if (stopped) return;
      error.value = e instanceof BridgeError ? { code: e.code, ...(e.params ? { params: e.params } : {}), userMessage: e.userMessage ?? null } : { code: 'UNKNOWN', userMessage: null };
    } finally {
      loading.value = false;
    }
  }

  /** Refreshes now; a request made while one runs is coalesced into one more after it. */
  function refresh(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = once().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        void refresh();
      }
    });
    return running;
  }

  const soon = () => {
    if (debounce) return;
    debounce = setTimeout(() => {
      debounce = null;
      void refresh();
    }, 100);
  };

  onMounted(() => {
    if (!hasBridge()) return;
    off = on('sync.stream', (e) => {
      if (e.type === 'RESYNC' || e.collection === 'queue_tickets' || e.collection === 'station_config') soon();
    });
    void refresh();
    timer = setInterval(() => void refresh(), options.intervalMs ?? 5_000);
  });
  onBeforeUnmount(() => {
    stopped = true;
    off?.();
    if (timer) clearInterval(timer);
    if (debounce) clearTimeout(debounce);
  });

  return { state, error, loading, updatedAt, refresh };
}
