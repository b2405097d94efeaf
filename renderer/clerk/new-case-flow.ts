/**
 * 帮代办 at the counter, the filing step as a plain module (the page renders): the application
 * is built from the card, the form, the signed 委托书 and the materials, stored and submitted under
 * the id printed on the 委托书. A retry after a failed submit finds the draft the first attempt
 * wrote and updates it: one application per case, never two.
 */
import { idTypeOfCard, type ApplicationDoc, type ServiceItemDoc } from '../../sync/protocol';
import type { IdCard } from '../../preload/contract/device-calls';
import type { TerminalDatabase } from '../db/database';
import type { ApplicationLocal } from '../db/schemas';
import { createDraft, submitApplication, updateForm, type DraftInput } from '../db/applications';

export type AuthorizationScope = NonNullable<ApplicationDoc['authorization']>['scope'][number];

export interface CounterCase {
  /** The id chosen when the case started (printed on the 委托书). */
  caseId: string;
  card: Pick<IdCard, 'name' | 'idNumber' | 'cardType' | 'address'>;
  item: Pick<ServiceItemDoc, 'code' | 'formId' | 'formVersion'>;
  /** The form data as cleaned by the form model. */
  formData: Record<string, unknown>;
  assistant: { id: string; name: string };
  auth: { relation: string; reason: string; scope: readonly string[]; validFrom: string; validUntil: string; subDelegation: boolean };
  letter: { sha256: string; signedAt: string };
  materials: ApplicationDoc['materials'];
  tongban?: ApplicationDoc['tongban'];
}

export interface FileDeps {
  store: () => Promise<{ db: TerminalDatabase; idHashSalt: string }>;
  status: () => Promise<{ stationId: string | null; terminalId: string | null; online: boolean }>;
}

const SCOPES: readonly AuthorizationScope[] = ['submit', 'sign_forms', 'collect_result', 'supplement'];

/** The application as the counter files it (channel `counter` online, `field` offline). */
export function counterDraftInput(c: CounterCase, station: { stationId: string; terminalId: string | null; online: boolean }): DraftInput {
  const scope = c.auth.scope.filter((s): s is AuthorizationScope => (SCOPES as readonly string[]).includes(s));
  if (!scope.length) throw new Error('the authorization names no scope');
  const reason = c.auth.reason.trim().slice(0, 300);
  return {
    id: c.caseId,
    stationId: station.stationId,
    ...(station.terminalId ? { terminalId: station.terminalId } : {}),
    serviceItemCode: c.item.code,
    formId: c.item.formId,
    formVersion: c.item.formVersion,
    channel: station.online ? 'counter' : 'field',
    applicant: { name: c.card.name, idType: idTypeOfCard(c.card.cardType, c.card.idNumber), idNumber: c.card.idNumber, ...(c.card.address ? { address: c.card.address } : {}) },
    formData: c.formData,
    agent: { kind: 'village_assistant', staffId: c.assistant.id, name: c.assistant.name, relation: c.auth.relation.trim() },
    authorization: {
      scope,
      ...(reason ? { reason } : {}),
      validFrom: c.auth.validFrom,
      validUntil: c.auth.validUntil || null,
      subDelegation: c.auth.subDelegation,
      letterSha256: c.letter.sha256,
      signedAt: c.letter.signedAt,
    },
    materials: c.materials,
    ...(c.tongban ? { tongban: c.tongban } : {}),
  };
}

/** Stores and submits the case (retry-safe, see the module's comment); resolves with the submitted application. */
export async function fileCounterCase(deps: FileDeps, c: CounterCase): Promise<{ application: ApplicationLocal; online: boolean }> {
  const store = await deps.store();
  const state = await deps.status();
  if (!state.stationId) throw new Error('NOT_ENROLLED');
  const input = counterDraftInput(c, { stationId: state.stationId, terminalId: state.terminalId, online: state.online });
  const earlier = await store.db.applications.findOne(c.caseId).exec();
  if (earlier) {
    await updateForm(store.db, earlier.id, { formData: input.formData ?? {}, applicant: input.applicant, agent: input.agent ?? null, authorization: input.authorization ?? null, materials: input.materials ?? [] }, store.idHashSalt);
  }
  const id = earlier ? earlier.id : (await createDraft(store.db, input, store.idHashSalt)).id;
  return { application: await submitApplication(store.db, id), online: state.online };
}
