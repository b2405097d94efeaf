// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useSessionStore } from '../stores/session';
import { useElderlyStore } from '../stores/elderly';
import { ELDERLY_KEY, SESSION_KEY_PREFIX } from '../shared/session-storage';
import { resetKioskSession } from './reset';
import { KIOSK_LOCKED_CLASS, installKioskLockdown } from './lockdown';

describe('resetKioskSession (idle reset: a new person arrives)', () => {
  beforeEach(() => {
    sessionStorage.clear();
    setActivePinia(createPinia());
  });

  it('wipes the session, turns elderly mode off, clears the resident keys and goes home', () => {
    const session = useSessionStore();
    const elderly = useElderlyStore();
    elderly.set(true);
    session.touch();
    session.saveDraft('MZ06', { field: 'value' });
    sessionStorage.setItem(`${SESSION_KEY_PREFIX}step`, '3');
    sessionStorage.setItem('unrelated', 'kept');
    sessionStorage.setItem('terminal.bridge', 'browser-bridge-token');
    const navigateHome = vi.fn();

    resetKioskSession({ session, elderly, storage: sessionStorage, navigateHome });

    expect(session.active).toBe(false);
    expect(session.startedAt).toBeNull();
    expect(session.drafts).toEqual({});
    expect(elderly.enabled).toBe(false);
    expect(document.documentElement.dataset.elderly).toBeUndefined();
    expect(sessionStorage.getItem(ELDERLY_KEY)).toBeNull();
    expect(sessionStorage.getItem(`${SESSION_KEY_PREFIX}step`)).toBeNull();
    expect(sessionStorage.getItem('unrelated')).toBe('kept');
    // The browser bridge's token belongs to the terminal, not to the resident.
    expect(sessionStorage.getItem('terminal.bridge')).toBe('browser-bridge-token');
    expect(navigateHome).toHaveBeenCalledTimes(1);
  });

  it('does not fail when navigation rejects', async () => {
    const navigateHome = vi.fn(() => Promise.reject(new Error('aborted')));
    expect(() => resetKioskSession({ session: useSessionStore(), elderly: useElderlyStore(), storage: null, navigateHome })).not.toThrow();
    await Promise.resolve();
  });
});

describe('installKioskLockdown', () => {
  it('blocks the context menu, ctrl+wheel zoom and text selection outside text fields, and undoes it', () => {
    const undo = installKioskLockdown(window);
    expect(document.documentElement.classList.contains(KIOSK_LOCKED_CLASS)).toBe(true);

    const menu = new MouseEvent('contextmenu', { cancelable: true, bubbles: true });
    document.body.dispatchEvent(menu);
    expect(menu.defaultPrevented).toBe(true);

    const zoom = new WheelEvent('wheel', { cancelable: true, bubbles: true, ctrlKey: true });
    // happy-dom's WheelEvent drops the modifier keys from its init dictionary.
    if (!zoom.ctrlKey) Object.defineProperty(zoom, 'ctrlKey', { value: true });
    document.body.dispatchEvent(zoom);
    expect(zoom.defaultPrevented).toBe(true);
    const scroll = new WheelEvent('wheel', { cancelable: true, bubbles: true });
    document.body.dispatchEvent(scroll);
    expect(scroll.defaultPrevented).toBe(false);

    const select = new Event('selectstart', { cancelable: true, bubbles: true });
    document.body.dispatchEvent(select);
    expect(select.defaultPrevented).toBe(true);
    const input = document.createElement('input');
    document.body.append(input);
    const selectInInput = new Event('selectstart', { cancelable: true, bubbles: true });
    input.dispatchEvent(selectInInput);
    expect(selectInInput.defaultPrevented).toBe(false);

    undo();
    expect(document.documentElement.classList.contains(KIOSK_LOCKED_CLASS)).toBe(false);
    const after = new MouseEvent('contextmenu', { cancelable: true, bubbles: true });
    document.body.dispatchEvent(after);
    expect(after.defaultPrevented).toBe(false);
    input.remove();
  });
});
