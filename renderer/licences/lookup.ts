/**
 * One resident's 电子证照 lookup as a page follows it: the consent, the call to main
 * (`licences.lookup`), and the outcome arriving later when it was queued offline
 * (`licences.ready` → `licences.result`). Kiosk and counter keep one of these per resident.
 */
import { ref, type Ref } from 'vue';
import type { Composer } from 'vue-i18n';
import { call, on } from '../bridge/client';
import { errorLike, type ErrorLike } from '../i18n/errors';
import { uuidv7 } from '../../sync/protocol';
import type { LicenceTypeCode } from '../../sync/protocol/e-licences';
import type { LicenceLookupResult } from '../../preload/contract/licence-calls';

export type LicenceConsentState = 'unasked' | 'given' | 'declined';

export interface LicenceLookupState {
  consent: LicenceConsentState;
  consentAt: string | null;
  requestId: string | null;
  result: LicenceLookupResult | null;
  /** The call itself failed (bridge error): its code and params (the page says it, renderer/i18n/errors.ts errorText). */
  callError: ErrorLike | null;
}

/** A failed lookup in words: `licence.failedBy.<code>`; any other code is said as the platform's refusal. */
export function licenceFailedText(code: string | undefined, { t, te }: Pick<Composer, 't' | 'te'>): string {
  return code && te(`licence.failedBy.${code}`) ? t(`licence.failedBy.${code}`) : t('licence.failedBy.REFUSED');
}

export const emptyLicenceState = (): LicenceLookupState => ({ consent: 'unasked', consentAt: null, requestId: null, result: null, callError: null });

export interface LicenceLookup {
  state: Ref<LicenceLookupState>;
  /** The resident consented: record when, then look up (or queue). */
  consent(idNumber: string, types: LicenceTypeCode[], applicationId?: string): Promise<void>;
  decline(): void;
  /** Forget (the resident left); a queued lookup in main never runs. */
  reset(): void;
  /** Stop listening for `licences.ready`. */
  dispose(): void;
}

export function createLicenceLookup(state: Ref<LicenceLookupState> = ref(emptyLicenceState())): LicenceLookup {
  const off = on('licences.ready', (e) => {
    if (e.requestId !== state.value.requestId) return;
    void call('licences.result', { requestId: e.requestId }).then(
      (r) => {
        if (r.requestId === state.value.requestId) state.value = { ...state.value, result: r };
      },
      () => undefined,
    );
  });
  return {
    state,
    async consent(idNumber, types, applicationId) {
      if (types.length === 0) return;
      const at = new Date().toISOString();
      const requestId = state.value.requestId ?? uuidv7();
      state.value = { ...state.value, consent: 'given', consentAt: at, requestId, callError: null, result: state.value.result ?? { requestId, state: 'running', licences: [], missing: [], error: null } };
      try {
        const r = await call('licences.lookup', { requestId, idNumber, types, consent: { at, ...(applicationId ? { applicationId } : {}) } });
        if (state.value.requestId === requestId) state.value = { ...state.value, result: r };
      } catch (e) {
        if (state.value.requestId === requestId) state.value = { ...state.value, result: null, callError: errorLike(e) ?? { code: 'UNKNOWN' } };
      }
    },
    decline() {
      state.value = { ...emptyLicenceState(), consent: 'declined' };
    },
    reset() {
      const id = state.value.requestId;
      if (id) void call('licences.cancel', { requestId: id }).catch(() => undefined);
      state.value = emptyLicenceState();
    },
    dispose: off,
  };
}
