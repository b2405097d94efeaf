// Valid example documents: for tests, demos and the README. No real persons.
import type { ApplicationDoc, AuditEventDoc, EvaluationDoc, QueueTicketDoc } from './documents';
import { uuidv7 } from './uuidv7';

/**
 * Form data that passes the demo form `MZ06@1` (高龄津贴: applicant, birth date, bank account; see
 * sync/server/seed/forms.ts), the form `exampleApplication` names: a submitted example is accepted.
 */
export function exampleFormData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    applicantName: '测试人',
    idNumber: '360121194010010024',
    phone: '13800000000',
    birthDate: '1940-10-01',
    bankAccount: '6217000000000000001',
    ...overrides,
  };
}

export function exampleApplication(overrides: Partial<ApplicationDoc> = {}): ApplicationDoc {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    _deleted: false,
    updatedAt: now,
    stationId: '360121201',
    serviceItemCode: 'MZ06',
    formId: 'MZ06',
    formVersion: 1,
    channel: 'counter',
    applicant: { name: '测试人', idType: 'resident_id', idNumber: '360121195001011234', phone: '13800000000' },
    applicantIdHash: null,
    agent: null,
    authorization: null,
    formData: exampleFormData(),
    materials: [],
    status: 'draft',
    acceptanceNo: null,
    supplement: null,
    decision: null,
    statusHistory: [{ status: 'draft', at: now, by: 'terminal' }],
    createdAt: now,
    submittedAt: null,
    ...overrides,
  };
}

export function exampleQueueTicket(overrides: Partial<QueueTicketDoc> = {}): QueueTicketDoc {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    _deleted: false,
    updatedAt: now,
    stationId: '360121201',
    number: 'A001',
    category: 'general',
    priority: 'normal',
    status: 'waiting',
    issuedAt: now,
    calledAt: null,
    servedAt: null,
    finishedAt: null,
    window: null,
    staffId: null,
    serviceItemCode: null,
    applicationId: null,
    recallCount: 0,
    ...overrides,
  };
}

export function exampleEvaluation(overrides: Partial<EvaluationDoc> = {}): EvaluationDoc {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    _deleted: false,
    updatedAt: now,
    stationId: '360121201',
    level: 5,
    indicators: ['服务态度'],
    reasons: [],
    comment: null,
    channel: 'kiosk',
    applicationId: null,
    ticketId: null,
    staffId: null,
    serviceItemCode: null,
    createdAt: now,
    ...overrides,
  };
}

export function exampleAuditEvent(overrides: Partial<AuditEventDoc> = {}): AuditEventDoc {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    _deleted: false,
    updatedAt: now,
    stationId: '360121201',
    terminalId: null,
    actor: { type: 'staff', id: 'S001' },
    action: 'application.submit',
    target: { type: 'application', id: 'x' },
    at: now,
    prevHash: null,
    hash: '0'.repeat(64),
    details: {},
    ...overrides,
  };
}
