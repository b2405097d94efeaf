import { describe, expect, it } from 'vitest';
import { Lockout, transition, type SessionMachine } from './lockout';

const policy = { maxFailures: 5, lockMs: 15 * 60_000, windowMs: 15 * 60_000 };

describe('lockout', () => {
  it('locks after 5 wrong PINs for the configured time, then allows again', () => {
    let t = 1_000_000;
    const l = new Lockout(policy, () => t);
    for (let i = 1; i <= 4; i++) expect(l.fail('S1')).toEqual({ locked: false, remaining: 5 - i });
    expect(l.fail('S1')).toEqual({ locked: true, until: t + policy.lockMs });
    expect(l.check('S1').locked).toBe(true);
    expect(l.check('S2')).toEqual({ locked: false, remaining: 5 });
    t += policy.lockMs - 1;
    expect(l.check('S1').locked).toBe(true);
    expect(l.fail('S1').locked).toBe(true); // a failure while locked does not extend or count
    t += 1;
    expect(l.check('S1')).toEqual({ locked: false, remaining: 5 });
  });

  it('forgets failures outside the window and clears on success', () => {
    let t = 0;
    const l = new Lockout(policy, () => t);
    l.fail('S1');
    l.fail('S1');
    t += policy.windowMs;
    expect(l.check('S1')).toEqual({ locked: false, remaining: 5 });
    l.fail('S1');
    l.succeed('S1');
    expect(l.check('S1')).toEqual({ locked: false, remaining: 5 });
  });

  it('survives a restart through its snapshot', () => {
    let t = 0;
    const a = new Lockout(policy, () => t);
    for (let i = 0; i < 5; i++) a.fail('S1');
    const b = new Lockout(policy, () => t, JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.check('S1').locked).toBe(true);
    t += policy.lockMs;
    expect(b.snapshot()).toEqual({});
  });
});

describe('session machine', () => {
  it('signed-out → active ⇄ locked → signed-out', () => {
    let m: SessionMachine<string> = { state: 'signed-out', staff: null };
    expect(transition(m, { type: 'lock' })).toBe(m);
    m = transition(m, { type: 'login', staff: 'S1' });
    expect(m).toEqual({ state: 'active', staff: 'S1' });
    m = transition(m, { type: 'lock' });
    expect(m.state).toBe('locked');
    m = transition(m, { type: 'unlock' });
    expect(m.state).toBe('active');
    expect(transition(m, { type: 'logout' })).toEqual({ state: 'signed-out', staff: null });
  });
});
