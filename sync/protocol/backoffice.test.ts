// The back office's role table (shared by the platform, which enforces it, and the web app).
import { describe, expect, it } from 'vitest';
import { actionsFor, createOfficerRequest, mayDo, mayTakeAction, OFFICER_ACTION_RULES, OFFICER_ACTIONS, officerActionRequest, officerPassword } from './backoffice';
import { BACK_OFFICE_TRANSITIONS } from './status';

describe('officer roles', () => {
  it('every officer action starts only where its store transition may start', () => {
    for (const a of OFFICER_ACTIONS) {
      const r = OFFICER_ACTION_RULES[a];
      expect(r.from.length).toBeGreaterThan(0);
      for (const s of r.from) expect(BACK_OFFICE_TRANSITIONS[r.transition].from, `${a} from ${s}`).toContain(s);
    }
    // 不予受理 is a refusal before acceptance only; 不予批准 after it
    expect(OFFICER_ACTION_RULES.not_accept.from).toEqual(['submitted', 'synced']);
    expect(OFFICER_ACTION_RULES.reject.from).not.toContain('synced');
  });

  it('separates duties: the acceptor cannot approve, the approver cannot accept, the admin decides nothing', () => {
    expect(mayTakeAction(['acceptor'], 'approve')).toBe(false);
    expect(mayTakeAction(['acceptor'], 'reject')).toBe(false);
    expect(mayTakeAction(['approver'], 'accept')).toBe(false);
    expect(mayTakeAction(['approver'], 'approve')).toBe(true);
    for (const a of OFFICER_ACTIONS) expect(mayTakeAction(['admin'], a), a).toBe(false);
    expect(mayDo(['acceptor', 'approver'], 'officers')).toBe(false);
    expect(mayDo(['admin'], 'audit')).toBe(true);
    expect(actionsFor(['acceptor'], 'synced')).toEqual(['accept', 'not_accept']);
    expect(actionsFor(['approver'], 'accepted')).toEqual(['review', 'supplement', 'approve', 'reject']);
    expect(actionsFor(['acceptor', 'approver'], 'completed')).toEqual([]);
  });

  it('refuses garbage in officer requests with English messages', () => {
    for (const p of ['short1', 'nodigitshere', '1234567890', 'x'.repeat(129) + '1']) expect(officerPassword.safeParse(p).success, p).toBe(false);
    expect(officerPassword.safeParse('long-enough-1').success).toBe(true);
    const bad = createOfficerRequest.safeParse({ id: '1abc', name: '', roles: ['root'], password: 'x' });
    expect(bad.success).toBe(false);
    expect([...new Set(bad.error!.issues.map((i) => i.path.join('.')))].sort()).toEqual(['id', 'name', 'password', 'roles.0']);
    for (const i of bad.error!.issues) expect(i.message).toMatch(/^[\x20-\x7e–]+$/);
    expect(officerActionRequest.safeParse({ opinion: '   ' }).success).toBe(false);
    expect(officerActionRequest.safeParse({ opinion: 'ok', fields: ['a b'] }).success).toBe(false);
    expect(officerActionRequest.safeParse({ opinion: 'ok', extra: 1 }).success).toBe(false);
  });
});
