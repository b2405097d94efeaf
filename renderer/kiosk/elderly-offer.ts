/**
 * What the identify page does for an older resident (age ≥ ELDERLY_AGE): offer 长者模式 and
 * priority queueing, unless elderly mode is on already; then it only gives the priority, without
 * asking about a mode the resident (or an assistant) has switched on.
 */
import { ELDERLY_AGE, type KioskIdentity } from './identity';

export type ElderlyStep = 'none' | 'offer' | 'priority-only';

export function elderlyStep(identity: Pick<KioskIdentity, 'age' | 'expired'> | null, state: { answered: boolean; elderlyOn: boolean }): ElderlyStep {
  if (!identity || identity.expired || state.answered) return 'none';
  if ((identity.age ?? 0) < ELDERLY_AGE) return 'none';
  return state.elderlyOn ? 'priority-only' : 'offer';
}
