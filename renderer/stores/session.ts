/**
 * The kiosk resident session: whether someone is using the kiosk (started by a card read, a scanned
 * ID code or a saved draft) and their form drafts. Memory only; `wipe()` forgets it all when they
 * finish or walk away (idle reset). The identity itself lives in the kiosk journey
 * (kiosk/stores/journey.ts), not here.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { SESSION_KEY_PREFIX, removeKeysWithPrefix, sessionStore } from '../shared/session-storage';

export const useSessionStore = defineStore('session', () => {
  /** When this resident's session started (first interaction that created data), epoch ms. */
  const startedAt = ref<number | null>(null);
  /** Form drafts by service item code. */
  const drafts = ref<Record<string, unknown>>({});

  const active = computed(() => startedAt.value !== null || Object.keys(drafts.value).length > 0);

  function touch(now: number = Date.now()): void {
    if (startedAt.value === null) startedAt.value = now;
  }

  function saveDraft(serviceCode: string, data: unknown): void {
    touch();
    drafts.value = { ...drafts.value, [serviceCode]: data };
  }

  /** Forget the resident: memory state and this session's sessionStorage keys. */
  function wipe(): void {
    startedAt.value = null;
    drafts.value = {};
    removeKeysWithPrefix(sessionStore(), SESSION_KEY_PREFIX);
  }

  return { startedAt, drafts, active, touch, saveDraft, wipe };
});
