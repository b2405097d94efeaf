// The push rules as pure functions (no database): what a terminal may write as a new application.
import { describe, expect, it } from 'vitest';
import { createValidator, exampleApplication, type ApplicationDoc, type ApplicationStatus } from '../protocol/index';
import { checkTerminalWrite, type FormLookup } from './rules';

const STATION = '360121201';
const NOW = '2026-03-02T08:00:00.000Z';
/** Every form is known and every form data valid: these tests are about statuses and history. */
const forms: FormLookup = () => ({ validate: createValidator({ type: 'object' }) });

const entry = (status: ApplicationStatus, by: 'terminal' | 'platform' = 'terminal') => ({ status, at: '2026-03-01T08:00:00.000Z', by });
function newApp(status: ApplicationStatus, history: ReturnType<typeof entry>[]): ApplicationDoc {
  return exampleApplication({ stationId: STATION, status, statusHistory: history });
}
const write = (doc: ApplicationDoc, current: ApplicationDoc | null = null) => checkTerminalWrite('applications', current, doc as unknown as Record<string, unknown>, STATION, NOW, forms);

describe('a new application (the platform has never seen it)', () => {
  it('a draft withdrawn before it was ever sent (offline, or before its first push) is kept as withdrawn', () => {
    // Found by the sync fuzzer (seed 438670741): refused as INVALID_TRANSITION "(new) to withdrawn"
    // and quarantined at the terminal — a legitimate 撤回 shown to the clerk as a refusal, and the
    // application never reached the platform.
    const doc = newApp('withdrawn', [entry('draft'), entry('withdrawn')]);
    const r = write(doc);
    expect(r).toEqual({ ok: true, doc });
  });

  it('a new draft is kept as sent; a new submission is stored as synced', () => {
    const draft = newApp('draft', [entry('draft')]);
    expect(write(draft)).toEqual({ ok: true, doc: draft });
    const sub = newApp('submitted', [entry('draft'), entry('submitted')]);
    const r = write(sub);
    expect(r.ok && (r.doc as unknown as ApplicationDoc).status).toBe('synced');
    expect(r.ok && (r.doc as unknown as ApplicationDoc).statusHistory.at(-1)).toEqual({ status: 'synced', at: NOW, by: 'platform' });
  });

  it('refuses a new application in a status only the platform, or a 补正, can lead to', () => {
    for (const status of ['synced', 'accepted', 'in_review', 'supplement_required', 'resubmitted', 'approved', 'rejected', 'completed'] as const) {
      const r = write(newApp(status, [entry('draft'), entry(status, status === 'resubmitted' ? 'terminal' : 'platform')]));
      expect(r.ok, status).toBe(false);
    }
  });

  it('refuses a new withdrawn application whose history claims platform steps', () => {
    const r = write(newApp('withdrawn', [entry('draft'), entry('accepted', 'platform'), entry('withdrawn')]));
    expect(r).toMatchObject({ ok: false, code: 'PLATFORM_OWNED_FIELD' });
  });

  it('a withdrawn application stays withdrawn: no later terminal write changes it', () => {
    const w = newApp('withdrawn', [entry('draft'), entry('withdrawn')]);
    const again = { ...w, status: 'draft' as const, statusHistory: [...w.statusHistory, entry('draft')] };
    expect(write(again, w)).toMatchObject({ ok: false, code: 'NOT_EDITABLE' });
  });
});

describe('the status is the last history entry', () => {
  it('refuses a change that appends history entries not ending with its status (fuzz seed 500150: a stale submitted after the 补正 request)', () => {
    const current = newApp('supplement_required', [entry('draft'), entry('submitted'), entry('synced', 'platform'), entry('accepted', 'platform'), entry('supplement_required', 'platform')]);
    const stale = { ...current, statusHistory: [...current.statusHistory, entry('submitted')] };
    expect(write(stale, current)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION', message: expect.stringContaining('last statusHistory entry') });
    // The same case edited in place during 补正 (no new entry) is fine.
    expect(write({ ...current, formData: { changed: true } }, current)).toMatchObject({ ok: true });
  });
});
