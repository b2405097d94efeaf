import { describe, expect, it } from 'vitest';
import {
  applicationDoc,
  canonicalJson,
  evaluationDoc,
  exampleApplication,
  exampleAuditEvent,
  exampleEvaluation,
  exampleQueueTicket,
  auditEventDoc,
  queueTicketDoc,
  parseCheckpointParam,
  sameDocumentState,
  terminalMayTransition,
  backOfficeTarget,
  uuidv7,
  UUIDV7_PATTERN,
  streamEvent,
} from './index';

describe('protocol', () => {
  it('examples validate', () => {
    expect(applicationDoc.safeParse(exampleApplication()).success).toBe(true);
    expect(queueTicketDoc.safeParse(exampleQueueTicket()).success).toBe(true);
    expect(evaluationDoc.safeParse(exampleEvaluation()).success).toBe(true);
    expect(auditEventDoc.safeParse(exampleAuditEvent()).success).toBe(true);
  });

  it('rejects unknown members, bad ids and bad statuses', () => {
    expect(applicationDoc.safeParse({ ...exampleApplication(), extra: 1 }).success).toBe(false);
    expect(applicationDoc.safeParse({ ...exampleApplication(), id: 'not-a-uuid' }).success).toBe(false);
    expect(applicationDoc.safeParse({ ...exampleApplication(), status: 'lost' }).success).toBe(false);
  });

  it('requires reasons for a bad evaluation', () => {
    expect(evaluationDoc.safeParse(exampleEvaluation({ level: 1, reasons: [] })).success).toBe(false);
    expect(evaluationDoc.safeParse(exampleEvaluation({ level: 1, reasons: ['服务效率'] })).success).toBe(true);
  });

  it('uuidv7 is valid and monotonic', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(UUIDV7_PATTERN);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('status machine: terminal and platform ownership', () => {
    expect(terminalMayTransition(null, 'submitted')).toBe(true);
    expect(terminalMayTransition(null, 'accepted')).toBe(false);
    expect(terminalMayTransition(null, 'withdrawn')).toBe(true); // a draft withdrawn before its first push
    expect(terminalMayTransition(null, 'resubmitted')).toBe(false);
    expect(terminalMayTransition('draft', 'withdrawn')).toBe(true);
    expect(terminalMayTransition('synced', 'withdrawn')).toBe(false);
    expect(terminalMayTransition('supplement_required', 'resubmitted')).toBe(true);
    expect(terminalMayTransition('accepted', 'approved')).toBe(false);
    expect(backOfficeTarget('accept', 'synced')).toBe('accepted');
    expect(backOfficeTarget('complete', 'accepted')).toBeNull();
  });

  it('canonical JSON ignores key order and RxDB-local fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(sameDocumentState({ id: 'x', a: 1, _rev: '1-a' }, { a: 1, id: 'x', _meta: { lwt: 1 } })).toBe(true);
    expect(sameDocumentState({ id: 'x', a: 1 }, { id: 'x', a: 2 })).toBe(false);
  });

  it('checkpoint parameter: numbers, JSON and unknown formats', () => {
    expect(parseCheckpointParam(undefined)).toEqual({ seq: 0 });
    expect(parseCheckpointParam('42')).toEqual({ seq: 42 });
    expect(parseCheckpointParam('{"seq":7}')).toEqual({ seq: 7 });
    expect(parseCheckpointParam('{"id":"a","updatedAt":1}')).toEqual({ seq: 0 });
    expect(parseCheckpointParam('garbage')).toEqual({ seq: 0 });
  });

  it('stream events', () => {
    expect(streamEvent.safeParse({ type: 'RESYNC' }).success).toBe(true);
    expect(streamEvent.safeParse({ type: 'CHANGE', collection: 'applications', checkpoint: { seq: 3 } }).success).toBe(true);
    expect(streamEvent.safeParse({ type: 'CHANGE', collection: 'nope', checkpoint: { seq: 3 } }).success).toBe(false);
  });
});
