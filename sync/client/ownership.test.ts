import { describe, expect, it } from 'vitest';
import { exampleApplication, exampleAuditEvent, exampleQueueTicket, type ApplicationDoc } from '../protocol/index';
import { platformUnchangedSinceRefusal, resolveApplication, resolveConflict, resolveQueueTicket, sameState } from './ownership';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

function pair(masterOverrides: Partial<ApplicationDoc>, localOverrides: Partial<ApplicationDoc>) {
  const base = exampleApplication({ updatedAt: t(0), createdAt: t(0), statusHistory: [{ status: 'draft', at: t(0), by: 'terminal' }] });
  return { master: { ...base, ...masterOverrides }, local: { ...base, ...localOverrides }, base };
}

describe('application conflicts follow field ownership', () => {
  it('equal states are no conflict', () => {
    const { master } = pair({}, {});
    expect(resolveApplication({ newDocumentState: { ...master }, realMasterState: master })).toEqual({ doc: master, discardedLocal: false });
  });

  it('draft: the terminal owns the form; platform-owned fields come from the platform', () => {
    const { master, local } = pair({ updatedAt: t(5) }, { formData: { applicantName: '改过' }, updatedAt: t(9) });
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.discardedLocal).toBe(false);
    expect(r.doc.formData).toEqual({ applicantName: '改过' });
    expect(r.doc.updatedAt).toBe(t(9));
  });

  it('supplement_required: the terminal edits the form and resubmits; 补正 request and 受理号 stay the platform\'s', () => {
    const history = [
      { status: 'draft' as const, at: t(0), by: 'terminal' as const },
      { status: 'submitted' as const, at: t(1), by: 'terminal' as const },
      { status: 'synced' as const, at: t(2), by: 'platform' as const },
      { status: 'accepted' as const, at: t(3), by: 'platform' as const },
      { status: 'supplement_required' as const, at: t(4), by: 'platform' as const },
    ];
    const supplement = { reasons: ['缺户口本'], requestedAt: t(4), dueDate: null };
    const { master, local } = pair(
      { status: 'supplement_required', acceptanceNo: '360121201-20260101-0001', supplement, statusHistory: history },
      {
        status: 'resubmitted',
        acceptanceNo: null, // the terminal's stale view
        supplement: null,
        materials: [{ code: 'HKB', name: '户口本', provided: true, origin: 'paper', attachments: [] }],
        statusHistory: [...history.slice(0, 2), { status: 'resubmitted', at: t(8), by: 'terminal' }],
      },
    );
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.discardedLocal).toBe(false);
    expect(r.doc.status).toBe('resubmitted');
    expect(r.doc.acceptanceNo).toBe('360121201-20260101-0001');
    expect(r.doc.supplement).toEqual(supplement);
    expect(r.doc.materials).toHaveLength(1);
    expect(r.doc.statusHistory.map((h) => h.status)).toEqual(['draft', 'submitted', 'synced', 'accepted', 'supplement_required', 'resubmitted']);
  });

  it('platform-owned status (accepted, in review, decided): the platform wins and lost local form edits are flagged', () => {
    const { master, local } = pair({ status: 'accepted', acceptanceNo: 'X-1' }, { status: 'submitted', formData: { late: 'edit' } });
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.doc).toEqual(master);
    expect(r.discardedLocal).toBe(true);
  });

  it('platform moved a submitted application on (synced → accepted): no local data lost, no flag', () => {
    const { master, local } = pair({ status: 'accepted', acceptanceNo: 'X-2' }, { status: 'submitted' });
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.doc).toEqual(master);
    expect(r.discardedLocal).toBe(false);
  });

  it('the terminal may withdraw a draft the platform has', () => {
    const { master, local } = pair({}, { status: 'withdrawn', statusHistory: [{ status: 'draft', at: t(0), by: 'terminal' }, { status: 'withdrawn', at: t(3), by: 'terminal' }] });
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.doc.status).toBe('withdrawn');
  });

  it('a status the terminal may not set is not taken over (platform keeps status)', () => {
    const { master, local } = pair({}, { status: 'approved' });
    expect(resolveApplication({ newDocumentState: local, realMasterState: master }).doc.status).toBe('draft');
  });

  it('a crossed submission another terminal made first does not leave its entry without its status (fuzz seed 500150)', () => {
    // The platform has the case back with the terminals for 补正; this terminal's fork still holds its
    // own, later submission of the case as a draft (the other terminal's submission won) and it has
    // adopted the platform's `synced` since. Its stale `submitted` entry must not trail the history.
    const history = [
      { status: 'draft' as const, at: t(0), by: 'terminal' as const },
      { status: 'submitted' as const, at: t(1), by: 'terminal' as const },
      { status: 'synced' as const, at: t(2), by: 'platform' as const },
      { status: 'accepted' as const, at: t(4), by: 'platform' as const },
      { status: 'supplement_required' as const, at: t(5), by: 'platform' as const },
    ];
    const { master, local } = pair(
      { status: 'supplement_required', statusHistory: history, supplement: { reasons: ['补'], requestedAt: t(5), dueDate: null } },
      { status: 'synced', statusHistory: [...history.slice(0, 3), { status: 'submitted', at: t(3), by: 'terminal' }] },
    );
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.doc.status).toBe('supplement_required');
    expect(r.doc.statusHistory).toEqual(history);
    // …and when the terminal does resubmit, exactly one entry, the last, carries it.
    const again = resolveApplication({ newDocumentState: { ...local, status: 'resubmitted', statusHistory: [...local.statusHistory, { status: 'resubmitted', at: t(8), by: 'terminal' }] }, realMasterState: master });
    expect(again.doc.statusHistory.map((h) => h.status)).toEqual([...history.map((h) => h.status), 'resubmitted']);
    expect(again.doc.statusHistory.at(-1)).toEqual({ status: 'resubmitted', at: t(8), by: 'terminal' });
  });

  it('a platform deletion wins', () => {
    const { master, local } = pair({ _deleted: true }, { formData: { x: 1 } });
    const r = resolveApplication({ newDocumentState: local, realMasterState: master });
    expect(r.doc._deleted).toBe(true);
    expect(r.discardedLocal).toBe(true);
  });
});

describe('a refused submission against what the platform sends later', () => {
  const draftEntry = { status: 'draft' as const, at: t(0), by: 'terminal' as const };
  const submittedEntry = { status: 'submitted' as const, at: t(5), by: 'terminal' as const };
  const { base } = pair({}, {});
  const refused = { ...base, status: 'submitted' as const, statusHistory: [draftEntry, submittedEntry], formData: { bankAccount: '12' } };

  it('the state the refused push was based on (and an edit of it by another terminal) is no news', () => {
    expect(platformUnchangedSinceRefusal(base, refused)).toBe(true);
    expect(platformUnchangedSinceRefusal({ ...base, formData: { bankAccount: '6217000000000000999' }, updatedAt: t(9) }, refused)).toBe(true);
  });

  it('a state with a status entry the refused copy lacks is news: the platform moved on', () => {
    const withdrawn = { ...base, status: 'withdrawn' as const, statusHistory: [draftEntry, { status: 'withdrawn' as const, at: t(7), by: 'terminal' as const }] };
    expect(platformUnchangedSinceRefusal(withdrawn, refused)).toBe(false);
    const otherSubmission = { ...base, status: 'synced' as const, statusHistory: [draftEntry, { status: 'submitted' as const, at: t(6), by: 'terminal' as const }, { status: 'synced' as const, at: t(6), by: 'platform' as const }] };
    expect(platformUnchangedSinceRefusal(otherSubmission, refused)).toBe(false);
  });

  it('garbage and deletions are never taken for the old state', () => {
    expect(platformUnchangedSinceRefusal({ ...base, _deleted: true }, refused)).toBe(false);
    expect(platformUnchangedSinceRefusal({ ...base, statusHistory: 'draft' }, refused)).toBe(false);
    expect(platformUnchangedSinceRefusal({ id: base.id }, refused)).toBe(false);
    expect(platformUnchangedSinceRefusal(base, { ...refused, statusHistory: null })).toBe(false);
    expect(platformUnchangedSinceRefusal({ ...base, statusHistory: [{ ...draftEntry, at: t(1) }] }, refused)).toBe(false);
  });
});

describe('other collections', () => {
  it('queue tickets: the one further along wins', () => {
    const m = exampleQueueTicket({ status: 'called', updatedAt: t(1) });
    const l = { ...m, status: 'serving' as const, updatedAt: t(2) };
    expect(resolveQueueTicket({ newDocumentState: l, realMasterState: m }).doc.status).toBe('serving');
    expect(resolveQueueTicket({ newDocumentState: m, realMasterState: l }).doc.status).toBe('serving');
  });

  it('append-only: the platform keeps the first version; a different local copy is flagged', () => {
    const m = exampleAuditEvent();
    const l = { ...m, action: 'changed' };
    const r = resolveConflict('audit_events', { newDocumentState: l, realMasterState: m });
    expect(r.doc).toEqual(m);
    expect(r.discardedLocal).toBe(true);
  });

  it('down-only collections: the platform wins', () => {
    const m = { id: 'x', _deleted: false, name: 'platform' };
    expect(resolveConflict('service_items', { newDocumentState: { ...m, name: 'local' }, realMasterState: m }).doc).toEqual(m);
  });

  it('sameState ignores key order and RxDB-local members', () => {
    expect(sameState({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1, _rev: '1-x', _meta: { lwt: 1 } })).toBe(true);
    expect(sameState({ a: 1 }, { a: 2 })).toBe(false);
  });
});
