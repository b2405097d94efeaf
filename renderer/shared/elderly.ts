/**
 * Elderly mode (适老化): larger type (≥ 1.3×), high contrast, longer timeouts.
 * Pure helpers; the Pinia store (stores/elderly.ts) wires them to the page.
 */
import { ELDERLY_KEY } from './session-storage';

/** Root font scale in elderly mode. The whole UI is sized in rem, so this scales it all. */
export const ELDERLY_FONT_SCALE = 1.35;

export function readElderlyFlag(storage: Storage | null): boolean {
  try {
    return storage?.getItem(ELDERLY_KEY) === '1';
  } catch {
    return false;
  }
}

export function writeElderlyFlag(storage: Storage | null, on: boolean): void {
  try {
    if (on) storage?.setItem(ELDERLY_KEY, '1');
    else storage?.removeItem(ELDERLY_KEY);
  } catch {
    // Storage full or disabled: the mode still works for this page, it is just not remembered.
  }
}

/** Reflect the mode on `<html>`: `data-elderly="true"` and the `--font-scale` variable. */
export function applyElderlyToDocument(doc: Document, on: boolean): void {
  const root = doc.documentElement;
  if (on) {
    root.dataset.elderly = 'true';
    root.style.setProperty('--font-scale', String(ELDERLY_FONT_SCALE));
  } else {
    delete root.dataset.elderly;
    root.style.removeProperty('--font-scale');
  }
}
