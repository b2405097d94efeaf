// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useSessionStore } from './session';
import { useElderlyStore } from './elderly';
import { ELDERLY_KEY, SESSION_KEY_PREFIX } from '../shared/session-storage';
import { ELDERLY_FONT_SCALE, applyElderlyToDocument, readElderlyFlag, writeElderlyFlag } from '../shared/elderly';

beforeEach(() => {
  sessionStorage.clear();
  applyElderlyToDocument(document, false);
  setActivePinia(createPinia());
});

describe('session store', () => {
  it('starts empty', () => {
    const session = useSessionStore();
    expect(session.active).toBe(false);
    expect(session.startedAt).toBeNull();
    expect(session.drafts).toEqual({});
  });

  it('becomes active with a started session or a draft, and wipe() forgets everything', () => {
    const session = useSessionStore();
    session.touch();
    expect(session.active).toBe(true);
    session.saveDraft('360000-000-01', { field: 'value' });
    sessionStorage.setItem(`${SESSION_KEY_PREFIX}draft`, 'x');
    sessionStorage.setItem(ELDERLY_KEY, '1');
    expect(session.active).toBe(true);
    expect(session.startedAt).not.toBeNull();

    session.wipe();

    expect(session.active).toBe(false);
    expect(session.startedAt).toBeNull();
    expect(session.drafts).toEqual({});
    expect(sessionStorage.getItem(`${SESSION_KEY_PREFIX}draft`)).toBeNull();
    // The session store only owns session keys; the idle reset turns elderly mode off itself.
    expect(sessionStorage.getItem(ELDERLY_KEY)).toBe('1');
  });

  it('touch() keeps the first start time', () => {
    const session = useSessionStore();
    session.touch(100);
    session.touch(200);
    expect(session.startedAt).toBe(100);
  });
});

describe('elderly mode', () => {
  it('is off by default', () => {
    const elderly = useElderlyStore();
    expect(elderly.enabled).toBe(false);
    expect(document.documentElement.dataset.elderly).toBeUndefined();
  });

  it('toggling on sets data-elderly, the font scale and the session flag', () => {
    const elderly = useElderlyStore();
    elderly.toggle();
    expect(elderly.enabled).toBe(true);
    expect(document.documentElement.dataset.elderly).toBe('true');
    expect(Number(document.documentElement.style.getPropertyValue('--font-scale'))).toBeGreaterThanOrEqual(1.3);
    expect(sessionStorage.getItem(ELDERLY_KEY)).toBe('1');
    elderly.toggle();
    expect(elderly.enabled).toBe(false);
    expect(document.documentElement.dataset.elderly).toBeUndefined();
    expect(document.documentElement.style.getPropertyValue('--font-scale')).toBe('');
    expect(sessionStorage.getItem(ELDERLY_KEY)).toBeNull();
  });

  it('is remembered for the browsing session (a reload restores it)', () => {
    useElderlyStore().set(true);
    applyElderlyToDocument(document, false); // as if the page reloaded
    setActivePinia(createPinia());
    const again = useElderlyStore();
    expect(again.enabled).toBe(true);
    expect(document.documentElement.dataset.elderly).toBe('true');
  });

  it('stores nothing but the flag', () => {
    useElderlyStore().set(true);
    expect(Object.keys(sessionStorage)).toEqual([ELDERLY_KEY]);
  });

  it('scales fonts by at least 1.3', () => {
    expect(ELDERLY_FONT_SCALE).toBeGreaterThanOrEqual(1.3);
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    } as unknown as Storage;
    expect(readElderlyFlag(broken)).toBe(false);
    expect(() => writeElderlyFlag(broken, true)).not.toThrow();
  });
});
