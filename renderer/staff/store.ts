/**
 * The clerk session in the page: mirrors main's `staff.session` (main decides; the page only asks),
 * runs the inactivity lock (it tells main with `staff.lock`; main then refuses clerk work such as
 * documents until `staff.unlock` passes the PIN check in main), and writes every sign-in, lock,
 * unlock and sign-out to the audit log.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { StaffSession } from '../../preload/contract/clerk-calls';
import { call, hasBridge, on } from '../bridge/client';
import { audit } from '../audit/service';
import { InactivityLock } from './inactivity';

const signedOut: StaffSession = { state: 'signed-out', staff: null, mode: null, signedInAt: null, offlineValidUntil: null, inactivityLockSec: 300 };

export const useStaffStore = defineStore('staff', () => {
  const session = shallowRef<StaffSession>(signedOut);
  const ready = ref(false);
  let off: (() => void) | null = null;
  const idle = new InactivityLock(300_000, () => void lock('inactivity'));

  const staff = computed(() => session.value.staff);
  const state = computed(() => session.value.state);
  /** The actor of audit events. */
  const actor = computed(() => ({ type: 'staff' as const, id: session.value.staff?.id ?? null }));

  function apply(s: StaffSession): void {
    session.value = s;
    if (s.state === 'active') {
      if (!idle.active) idle.start(s.inactivityLockSec * 1000);
    } else idle.stop();
  }

  async function init(): Promise<void> {
    if (off || !hasBridge()) return;
    off = on('staff.session', apply);
    try {
      apply(await call('staff.session'));
    } finally {
      ready.value = true;
    }
  }

  async function login(staffId: string, pin: string): Promise<StaffSession> {
    const s = await call('staff.login', { staffId, pin });
    apply(s);
    // the actor is who main signed in, not what was typed
    void audit({ actor: { type: 'staff', id: s.staff?.id ?? staffId }, action: 'staff.login', details: { mode: s.mode ?? 'unknown', role: s.staff?.role ?? 'unknown' } });
    return s;
  }

  async function unlock(pin: string): Promise<void> {
    apply(await call('staff.unlock', { pin }));
    void audit({ actor: actor.value, action: 'staff.unlock' });
  }

  /**
   * Locks in main (which then refuses clerk work until the PIN is checked there). Should main not
   * answer, the page locks its screen anyway: it never stays open because a call failed.
   */
  async function lock(reason: 'inactivity' | 'manual'): Promise<void> {
    const who = actor.value;
    try {
      apply(await call('staff.lock', { reason }));
    } catch {
      if (session.value.state === 'active') apply({ ...session.value, state: 'locked' });
    }
    void audit({ actor: who, action: 'staff.lock', details: { reason } });
  }

  async function logout(): Promise<void> {
    const who = actor.value;
    apply(await call('staff.logout'));
    void audit({ actor: who, action: 'staff.logout' });
  }

  /** Any input on the page. */
  const touch = () => idle.touch();

  return { session, ready, staff, state, actor, init, login, unlock, lock, logout, touch };
});
