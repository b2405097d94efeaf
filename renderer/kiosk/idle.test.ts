import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleResetMachine, effectiveTimings, type IdleClock, type IdleConfig, type IdleSnapshot } from './idle';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements IdleClock {
  time = 1_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.seq += 1;
    this.timers.set(this.seq, { at: this.time + ms, fn });
    return this.seq;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Move time forward, firing due timers in order (timers set while firing included). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId: number | null = null;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const timer = this.timers.get(nextId);
      this.timers.delete(nextId);
      this.time = nextAt;
      timer?.fn();
    }
    this.time = end;
  }
}

const config: IdleConfig = { idleTimeoutSec: 60, countdownSec: 10, elderlyTimeoutFactor: 2 };

describe('effectiveTimings', () => {
  it('uses the configured periods in normal mode', () => {
    expect(effectiveTimings(config, false)).toEqual({ idleMs: 60_000, countdownSec: 10 });
  });
  it('multiplies both periods by the elderly factor', () => {
    expect(effectiveTimings(config, true)).toEqual({ idleMs: 120_000, countdownSec: 20 });
    expect(effectiveTimings({ ...config, elderlyTimeoutFactor: 1.5, countdownSec: 5 }, true)).toEqual({ idleMs: 90_000, countdownSec: 8 });
  });
  it('never shortens the periods with a factor below 1', () => {
    expect(effectiveTimings({ ...config, elderlyTimeoutFactor: 0.5 }, true)).toEqual({ idleMs: 60_000, countdownSec: 10 });
  });
});

describe('IdleResetMachine', () => {
  let clock: FakeClock;
  let onReset: ReturnType<typeof vi.fn<() => void>>;
  let machine: IdleResetMachine;
  let seen: IdleSnapshot[];

  beforeEach(() => {
    clock = new FakeClock();
    onReset = vi.fn<() => void>();
    machine = new IdleResetMachine(config, clock, onReset);
    seen = [];
    machine.subscribe((s) => seen.push(s));
  });

  it('starts stopped and does nothing until started', () => {
    expect(machine.phase).toBe('stopped');
    machine.activity();
    clock.advance(10 * 60_000);
    expect(machine.phase).toBe('stopped');
    expect(onReset).not.toHaveBeenCalled();
    expect(clock.pending).toBe(0);
  });

  it('active → countdown after the idle timeout', () => {
    machine.start();
    expect(machine.phase).toBe('active');
    clock.advance(59_999);
    expect(machine.phase).toBe('active');
    clock.advance(1);
    expect(machine.phase).toBe('countdown');
    expect(machine.remainingSec).toBe(10);
  });

  it('counts down second by second, then resets and re-arms (countdown → reset → active)', () => {
    machine.start();
    clock.advance(60_000);
    const counts: number[] = [];
    machine.subscribe((s) => s.phase === 'countdown' && counts.push(s.remainingSec));
    clock.advance(9_000);
    expect(counts).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(onReset).not.toHaveBeenCalled();
    clock.advance(1_000);
    expect(onReset).toHaveBeenCalledTimes(1);
    expect(machine.phase).toBe('active');
    expect(machine.remainingSec).toBe(0);
    // Armed again for the next person: a full idle period, then another countdown.
    clock.advance(59_999);
    expect(machine.phase).toBe('active');
    clock.advance(1);
    expect(machine.phase).toBe('countdown');
  });

  it('activity while active restarts the idle period', () => {
    machine.start();
    clock.advance(50_000);
    machine.activity();
    clock.advance(50_000);
    expect(machine.phase).toBe('active');
    clock.advance(10_000);
    expect(machine.phase).toBe('countdown');
  });

  it('a stream of activity costs one pending timer', () => {
    machine.start();
    for (let i = 0; i < 100; i += 1) {
      clock.advance(100);
      machine.activity();
    }
    expect(clock.pending).toBe(1);
  });

  it('activity during the countdown returns to active (countdown → active) and cancels the reset', () => {
    machine.start();
    clock.advance(60_000 + 4_000);
    expect(machine.phase).toBe('countdown');
    expect(machine.remainingSec).toBe(6);
    machine.activity();
    expect(machine.phase).toBe('active');
    expect(machine.remainingSec).toBe(0);
    clock.advance(59_000);
    expect(onReset).not.toHaveBeenCalled();
    expect(machine.phase).toBe('active');
    clock.advance(1_000);
    expect(machine.phase).toBe('countdown');
    expect(machine.remainingSec).toBe(10);
  });

  it('notifies listeners of every phase change', () => {
    machine.start();
    clock.advance(60_000);
    machine.activity();
    machine.stop();
    expect(seen.map((s) => s.phase)).toEqual(['active', 'countdown', 'active', 'stopped']);
  });

  it('stop() from any phase cancels timers; start() re-arms with a fresh period', () => {
    machine.start();
    clock.advance(65_000);
    machine.stop();
    expect(machine.phase).toBe('stopped');
    expect(clock.pending).toBe(0);
    clock.advance(10 * 60_000);
    expect(onReset).not.toHaveBeenCalled();
    machine.start();
    clock.advance(59_000);
    expect(machine.phase).toBe('active');
    clock.advance(1_000);
    expect(machine.phase).toBe('countdown');
  });

  it('start() while running keeps the current period', () => {
    machine.start();
    clock.advance(30_000);
    machine.start();
    clock.advance(30_000);
    expect(machine.phase).toBe('countdown');
  });

  it('elderly mode multiplies the idle period and the countdown', () => {
    machine.setElderly(true);
    machine.start();
    clock.advance(119_999);
    expect(machine.phase).toBe('active');
    clock.advance(1);
    expect(machine.phase).toBe('countdown');
    expect(machine.remainingSec).toBe(20);
    clock.advance(19_999);
    expect(onReset).not.toHaveBeenCalled();
    clock.advance(1);
    expect(onReset).toHaveBeenCalledTimes(1);
  });

  it('switching elderly mode on while active extends the running idle period', () => {
    machine.start();
    clock.advance(50_000);
    machine.setElderly(true);
    clock.advance(60_000);
    expect(machine.phase).toBe('active');
    clock.advance(10_000);
    expect(machine.phase).toBe('countdown');
  });

  it('switching elderly mode off while active shortens it, counted from the last activity', () => {
    machine.setElderly(true);
    machine.start();
    clock.advance(70_000);
    machine.setElderly(false);
    clock.advance(0);
    expect(machine.phase).toBe('countdown');
    expect(machine.remainingSec).toBe(10);
  });

  it('a reset handler that stops the machine leaves it stopped', () => {
    const m = new IdleResetMachine(config, clock, () => m.stop());
    m.start();
    clock.advance(70_000);
    expect(m.phase).toBe('stopped');
    expect(clock.pending).toBe(0);
  });

  it('re-arms even when the reset handler throws', () => {
    const m = new IdleResetMachine(config, clock, () => {
      throw new Error('boom');
    });
    m.start();
    clock.advance(60_000);
    expect(() => clock.advance(10_000)).toThrow('boom');
    expect(m.phase).toBe('active');
  });

  it('configure() applies new timings', () => {
    machine.start();
    machine.configure({ ...config, idleTimeoutSec: 20 });
    clock.advance(20_000);
    expect(machine.phase).toBe('countdown');
  });
});
