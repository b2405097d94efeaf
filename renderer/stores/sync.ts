/**
 * Sync state for people: online/offline, last successful sync, pending and quarantined counts,
 * the current error (Chinese, actionable), how many damaged local records the store set aside (kept
 * for support, renderer/db/packed-storage.ts; counted on disk, recounted when any window sets more aside), and the actions of the 同步状态 page (retry, quarantine
 * edit/retry/dismiss). Main is the source of truth (`sync.state`, merged from its transport and the
 * leader window's counts), so every window shows the same.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { SyncState } from '../../preload/contract/sync-calls';
import { call, hasBridge, on } from '../bridge/client';
import type { TerminalStore } from '../db/terminal-store';
import type { QuarantineDoc } from '../db/schemas';
import { dismissQuarantined, editQuarantined, listQuarantine, retryQuarantined } from '../db/quarantine';

const DAY = 86_400_000;

export const useSyncStore = defineStore('sync', () => {
  const state = shallowRef<SyncState | null>(null);
  const quarantine = shallowRef<QuarantineDoc[]>([]);
  const retrying = ref(false);
  const now = ref(Date.now());
  /** Damaged local records set aside (0 until the store has counted). */
  const damaged = ref(0);
  let store: TerminalStore | null = null;
  let off: (() => void) | null = null;
  let offDamaged: (() => void) | null = null;
  let tick: ReturnType<typeof setInterval> | null = null;

  const online = computed(() => state.value?.online ?? false);
  const lastSyncAt = computed(() => state.value?.local.lastSyncAt ?? null);
  const pending = computed(() => state.value?.local.pending ?? 0);
  const quarantined = computed(() => state.value?.local.quarantined ?? 0);
  /** Syncing through a station hub (站点服务器) rather than with the province directly. */
  const viaHub = computed(() => state.value?.server === 'station');
  /** Through a hub: the hub's link to the province (null = unknown, e.g. the hub is unreachable). */
  const upstream = computed(() => (viaHub.value ? (state.value?.upstream ?? null) : null));
  /** The error to show: the transport's first, then the province behind the hub, then the store's. */
  const error = computed(() => state.value?.error ?? upstream.value?.error ?? state.value?.local.error ?? null);
  /** Field mode: whole days since the last successful sync (by this terminal's clock; informational). */
  const daysOffline = computed(() => (lastSyncAt.value === null ? null : Math.max(0, Math.floor((now.value - lastSyncAt.value) / DAY))));
  const level = computed<'ok' | 'syncing' | 'offline' | 'attention'>(() => {
    if (quarantined.value > 0 || damaged.value > 0 || (error.value && !['OFFLINE', 'TIMEOUT', 'HUB_OFFLINE', 'PROVINCE_UNREACHABLE'].includes(error.value.code))) return 'attention';
    if (!online.value) return 'offline';
    if (state.value?.local.active || pending.value > 0) return 'syncing';
    return 'ok';
  });

  async function init(terminalStore?: TerminalStore | null): Promise<void> {
    if (terminalStore) useStore(terminalStore);
    if (off || !hasBridge()) return;
    off = on('sync.state', (s) => {
      state.value = s;
      if (store && s.local.quarantined !== quarantine.value.length) void refreshQuarantine();
    });
    tick = setInterval(() => (now.value = Date.now()), 60_000);
    try {
      state.value = await call('sync.status');
    } catch {
      /* shown as offline until the first event */
    }
    await refreshQuarantine();
  }

  function attach(terminalStore: TerminalStore): void {
    useStore(terminalStore);
    void refreshQuarantine();
  }

  /** Takes the window's store: counts its damaged records now and whenever more are set aside. */
  function useStore(terminalStore: TerminalStore): void {
    if (store === terminalStore && offDamaged) return;
    store = terminalStore;
    offDamaged?.();
    offDamaged = terminalStore.onDamaged?.(() => void refreshDamaged()) ?? null;
    void refreshDamaged();
  }

  async function refreshDamaged(): Promise<void> {
    const s = store;
    if (!s?.damagedRecords) return;
    try {
      const n = await s.damagedRecords();
      if (store === s) damaged.value = n;
    } catch {
      // Counting failed (the store's own errors are logged where they happen): keep the last count.
    }
  }

  async function refreshQuarantine(): Promise<void> {
    if (!store) return;
    quarantine.value = await listQuarantine(store.db);
  }

  /** 立即重试: reconnect now and pull/push everything. */
  async function retry(): Promise<void> {
    retrying.value = true;
    try {
      await call('sync.retry');
      store?.replication()?.resync();
    } finally {
      retrying.value = false;
    }
  }

  async function retryQuarantine(key: string, edited?: Record<string, unknown>): Promise<void> {
    if (!store) return;
    if (edited) await editQuarantined(store.db, key, edited);
    await retryQuarantined(store.db, key);
    await refreshQuarantine();
  }

  async function dismissQuarantine(key: string): Promise<void> {
    if (!store) return;
    await dismissQuarantined(store.db, key);
    await refreshQuarantine();
  }

  function dispose(): void {
    off?.();
    off = null;
    offDamaged?.();
    offDamaged = null;
    if (tick) clearInterval(tick);
  }

  return { state, quarantine, damaged, retrying, online, viaHub, upstream, lastSyncAt, pending, quarantined, error, daysOffline, level, init, attach, retry, retryQuarantine, dismissQuarantine, refreshQuarantine, dispose };
});
