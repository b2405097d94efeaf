/**
 * Wires the idle-reset state machine (idle.ts) to the kiosk: DOM input events, elderly mode, the
 * router and the session store. Armed only while there is something to reset: away from the home
 * screen, elderly mode on, or a resident session holding data.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { AppInfo } from '../../preload/contract';
import { useElderlyStore } from '../stores/elderly';
import { useSessionStore } from '../stores/session';
import { useJourneyStore } from './stores/journey';
import { sessionStore } from '../shared/session-storage';
import { log } from '../shared/log';
import { IdleResetMachine, browserClock, type IdlePhase } from './idle';
import { resetKioskSession } from './reset';

/** Input that counts as "someone is here". */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

export function useIdleReset(config: Ref<AppInfo['kiosk'] | null>): { phase: Ref<IdlePhase>; remainingSec: Ref<number>; keepGoing: () => void } {
  const router = useRouter();
  const route = useRoute();
  const session = useSessionStore();
  const journey = useJourneyStore();
  const elderly = useElderlyStore();

  const phase = ref<IdlePhase>('stopped');
  const remainingSec = ref(0);

  const fallback = { idleTimeoutSec: 120, countdownSec: 20, elderlyTimeoutFactor: 2 };
  const machine = new IdleResetMachine(config.value ?? fallback, browserClock, () => {
    log('info', 'kiosk.idle_reset', { elderly: elderly.enabled, route: String(route.name ?? '') });
    resetKioskSession({ session, journey, elderly, storage: sessionStore(), navigateHome: () => router.replace({ name: 'kiosk-home' }) });
  });
  machine.setElderly(elderly.enabled);
  machine.subscribe((s) => {
    phase.value = s.phase;
    remainingSec.value = s.remainingSec;
  });

  const armed = computed(() => route.name !== 'kiosk-home' || elderly.enabled || session.active);

  const onActivity = (): void => machine.activity();
  /** Input events; those inside the countdown overlay are left to it (it continues on click). */
  const onInputEvent = (event: Event): void => {
    const target = event.target;
    if (target instanceof Element && target.closest('[data-idle-overlay]')) return;
    machine.activity();
  };

  watch(config, (c) => c && machine.configure(c));
  watch(
    () => elderly.enabled,
    (on) => machine.setElderly(on),
  );
  watch(armed, (on) => (on ? machine.start() : machine.stop()));
  // A navigation is activity too (e.g. a device event that changes the screen).
  watch(() => route.fullPath, onActivity);

  onMounted(() => {
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onInputEvent, { capture: true, passive: true });
    if (armed.value) machine.start();
  });
  onBeforeUnmount(() => {
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onInputEvent, { capture: true });
    machine.stop();
  });

  return { phase, remainingSec, keepGoing: onActivity };
}
