import { describe, expect, it, vi } from 'vitest';
import { InactivityLock } from './inactivity';

describe('inactivity lock', () => {
  it('locks once after the period without input; input restarts the period', () => {
    vi.useFakeTimers();
    const onLock = vi.fn();
    const m = new InactivityLock(60_000, onLock);
    m.start();
    vi.advanceTimersByTime(59_000);
    m.touch();
    vi.advanceTimersByTime(59_000);
    expect(onLock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onLock).toHaveBeenCalledTimes(1);
    expect(m.active).toBe(false);
    m.touch();
    vi.advanceTimersByTime(120_000);
    expect(onLock).toHaveBeenCalledTimes(1);
    m.start(10_000);
    vi.advanceTimersByTime(10_000);
    expect(onLock).toHaveBeenCalledTimes(2);
    m.start();
    m.stop();
    vi.advanceTimersByTime(60_000);
    expect(onLock).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});
