/**
 * What the app knows about the terminal it runs on (`app.info` over the bridge) and whether the
 * bridge works at all. Everything else in the renderer waits for `status === 'ready'`.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AppInfo, Role } from '../../preload/contract';
import { BridgeError, call, hasBridge } from '../bridge/client';
import { setZoneOverride } from '../shared/station-zone';

export type AppStatus = 'loading' | 'ready' | 'error';

export interface StartupError {
  /** Contract error code (`BRIDGE_UNAVAILABLE`, `TIMEOUT`, …) or `UNKNOWN`. */
  code: string;
}

/** How long to wait for the host to define `window.terminal` (the browser bridge may load late). */
export const BRIDGE_WAIT_MS = 3000;
/** Give up on `app.info` after this long and show the error screen rather than a blank page. */
export const INFO_TIMEOUT_MS = 10_000;

export const ROLE_HOME: Record<Role, string> = { kiosk: '/kiosk', clerk: '/clerk', display: '/display' };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForBridge(maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (!hasBridge()) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BridgeError({ code: 'TIMEOUT', message: `no answer within ${ms} ms` })), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export const useAppStore = defineStore('app', () => {
  const status = ref<AppStatus>('loading');
  const info = shallowRef<AppInfo | null>(null);
  const error = shallowRef<StartupError | null>(null);

  const role = computed<Role | null>(() => info.value?.role ?? null);
  const demo = computed(() => info.value?.demo ?? false);
  const homePath = computed(() => (role.value ? ROLE_HOME[role.value] : '/'));

  /** Ask the host who we are. Never throws: failures end in `status === 'error'`. */
  async function load(options: { bridgeWaitMs?: number; timeoutMs?: number } = {}): Promise<void> {
    status.value = 'loading';
    error.value = null;
    try {
      if (!(await waitForBridge(options.bridgeWaitMs ?? BRIDGE_WAIT_MS))) {
        throw new BridgeError({ code: 'BRIDGE_UNAVAILABLE', message: 'window.terminal is not available' });
      }
      info.value = await withTimeout(call('app.info'), options.timeoutMs ?? INFO_TIMEOUT_MS);
      setZoneOverride(info.value.timeZone);
      status.value = 'ready';
    } catch (e) {
      info.value = null;
      error.value = { code: e instanceof BridgeError ? e.code : 'UNKNOWN' };
      status.value = 'error';
    }
  }

  return { status, info, error, role, demo, homePath, load };
});
