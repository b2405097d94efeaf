/**
 * The resident's journey at the kiosk, in memory only: who (from the card), which service, the
 * form being filled, what was submitted and printed, the ticket taken, what was rated.
 * `wipe()` forgets all of it (idle reset, 结束办理) and asks main to delete the session's PDFs.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { call } from '../../bridge/client';
import type { KioskIdentity } from '../identity';
import { emptyLicenceState, type LicenceLookupState } from '../../licences/lookup';
import type { ApplicationTongban } from '../../../sync/protocol';

export interface SubmittedApplication {
  applicationId: string;
  serviceCode: string;
  serviceName: string;
  submittedAt: string;
  /** The platform was unreachable when it was submitted (it syncs later). */
  offline: boolean;
  documentId: string | null;
  documentPath: string | null;
  documentBytes: number | null;
  /** 通办: the division chosen to handle it (absent: here). */
  tongban?: ApplicationTongban;
  /** The filled form as reviewed, for the printed 申请表 (memory only). */
  formTitle: string;
  formSections: { title: string; fields: { label: string; value: string; mask?: 'id' | 'phone' }[] }[];
}

export interface IssuedTicket {
  id: string;
  number: string;
  /** The category's name, as printed. */
  category: string;
  /** The category's code (the queue's waiting line is per category). */
  categoryCode: string;
  /** People ahead when it was issued (the page follows the live queue after that); null: unknown (issued offline). */
  ahead: number | null;
  /** Issued by this kiosk from its leased numbers while the station hub was down (main/queue/leases.ts). */
  offline?: boolean;
  issuedAt: string;
  priority: 'normal' | 'elderly' | 'disabled';
}

export type PrintState = { state: 'idle' | 'printing' | 'done' } | { state: 'failed'; code: string; message: string };

export const useJourneyStore = defineStore('kioskJourney', () => {
  const identity = shallowRef<KioskIdentity | null>(null);
  const cardError = shallowRef<{ code: string; message: string } | null>(null);
  /** Priority queueing accepted (elderly ≥ 70 or disabled). */
  const priority = ref<'normal' | 'elderly' | 'disabled'>('normal');
  /** Whether the elderly offer was answered for this card. */
  const elderlyOfferAnswered = ref(false);
  const serviceCode = ref<string | null>(null);
  /** 通办: the division the resident chose on the guide page for this service (null: handled here). */
  const tongban = shallowRef<ApplicationTongban | null>(null);
  const formData = ref<Record<string, unknown>>({});
  const prefilled = ref<string[]>([]);
  const step = ref(0);
  const submitted = shallowRef<SubmittedApplication | null>(null);
  const slip = ref<PrintState>({ state: 'idle' });
  const a4 = ref<PrintState>({ state: 'idle' });
  const ticket = shallowRef<IssuedTicket | null>(null);
  const rated = ref<string[]>([]);
  /** The stored draft of the form being filled (drafts.ts), and whether the resident chose to keep it. */
  const draftId = ref<string | null>(null);
  const keepDraft = ref(false);
  const documents: string[] = [];
  /** 电子证照: the resident's consent and lookup (renderer/licences/lookup.ts); per card. */
  const licences = ref<LicenceLookupState>(emptyLicenceState());

  function forgetLicences(): void {
    const id = licences.value.requestId;
    if (id) void call('licences.cancel', { requestId: id }).catch(() => undefined);
    licences.value = emptyLicenceState();
  }

  function setIdentity(id: KioskIdentity | null): void {
    // another person's card: their ticket is not this person's
    if (id && identity.value && identity.value.idNumber !== id.idNumber) ticket.value = null;
    // another card (or none): the consent and licences were that person's
    if (identity.value?.idNumber !== id?.idNumber) forgetLicences();
    identity.value = id;
    cardError.value = null;
    elderlyOfferAnswered.value = false;
  }

  function startService(code: string): void {
    if (serviceCode.value !== code) {
      // the consent named this service's licence types
      if (serviceCode.value !== null) forgetLicences();
      serviceCode.value = code;
      tongban.value = null;
      draftId.value = null;
      keepDraft.value = false;
      formData.value = {};
      prefilled.value = [];
      step.value = 0;
    }
  }

  function rememberDocument(id: string): void {
    documents.push(id);
  }

  function wipe(): void {
    if (draftId.value && !keepDraft.value) {
      const id = draftId.value;
      void import('../kiosk-store').then((m) => m.discardKioskDraft(id)).catch(() => undefined);
    }
    draftId.value = null;
    keepDraft.value = false;
    for (const documentId of documents.splice(0)) void call('documents.discard', { documentId }).catch(() => undefined);
    identity.value = null;
    cardError.value = null;
    priority.value = 'normal';
    elderlyOfferAnswered.value = false;
    serviceCode.value = null;
    tongban.value = null;
    formData.value = {};
    prefilled.value = [];
    step.value = 0;
    submitted.value = null;
    slip.value = { state: 'idle' };
    a4.value = { state: 'idle' };
    ticket.value = null;
    rated.value = [];
    forgetLicences();
  }

  return { identity, cardError, priority, elderlyOfferAnswered, serviceCode, tongban, formData, prefilled, step, submitted, slip, a4, ticket, rated, draftId, keepDraft, licences, setIdentity, startService, rememberDocument, wipe };
});
