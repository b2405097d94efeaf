/**
 * The kiosk resident session: everything that belongs to the person standing at the kiosk
 * (later: ID card data, form drafts, the ticket they took). Memory only; `wipe()` forgets it all
 * when they finish or walk away (idle reset).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { SESSION_KEY_PREFIX, removeKeysWithPrefix, sessionStore } from '../shared/session-storage';

/** The resident read from the ID card. Filled by the ID card feature (later issue). */
export interface ResidentIdentity {
  name: string;
  idNumber: string;
}

export const useSessionStore = defineStore('session', () => {
  /** When this resident's session started (first interaction that created data), epoch ms. */
  const startedAt = ref<number | null>(null);
  const resident = shallowRef<ResidentIdentity | null>(null);
  /** Form drafts by service item code. */
  const drafts = ref<Record<string, unknown>>({});

  const active = computed(() => startedAt.value !== null || resident.value !== null || Object.keys(drafts.value).length > 0);

  function touch(now: number = Date.now()): void {
    if (startedAt.value === null) startedAt.value = now;
  }

  function setResident(identity: ResidentIdentity | null): void {
    touch();
    resident.value = identity;
  }

  function saveDraft(serviceCode: string, data: unknown): void {
    touch();
    drafts.value = { ...drafts.value, [serviceCode]: data };
  }

  /** Forget the resident: memory state and this session's sessionStorage keys. */
  function wipe(): void {
    startedAt.value = null;
    resident.value = null;
    drafts.value = {};
    removeKeysWithPrefix(sessionStore(), SESSION_KEY_PREFIX);
  }

  return { startedAt, resident, drafts, active, touch, setResident, saveDraft, wipe };
});
