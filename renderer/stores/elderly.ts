/** Elderly mode state: remembered per browsing session (sessionStorage flag only). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { applyElderlyToDocument, readElderlyFlag, writeElderlyFlag } from '../shared/elderly';
import { sessionStore } from '../shared/session-storage';

export const useElderlyStore = defineStore('elderly', () => {
  const enabled = ref(readElderlyFlag(sessionStore()));
  if (typeof document !== 'undefined') applyElderlyToDocument(document, enabled.value);

  function set(on: boolean): void {
    enabled.value = on;
    writeElderlyFlag(sessionStore(), on);
    if (typeof document !== 'undefined') applyElderlyToDocument(document, on);
  }

  const toggle = (): void => set(!enabled.value);

  return { enabled, set, toggle };
});
