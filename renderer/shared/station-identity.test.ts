// @vitest-environment happy-dom
/** Who this terminal is, asked of main through the bridge (the process boundary is the one thing faked). */
import { afterEach, describe, expect, it } from 'vitest';
import type { TerminalBridge } from '../../preload/contract';
import type { SyncState } from '../../preload/contract/sync-calls';
import { enrolledStation, stationIdentity, stationIdOrNull } from './station-identity';

const state = (over: Partial<SyncState> = {}): SyncState => ({
  mode: 'configured', enrolled: true, stationId: '360121201', terminalId: 'T-1', replicationId: 'x|360121201', online: true, lastContactAt: null, attempts: 0, nextRetryAt: null, error: null,
  local: { pending: 0, quarantined: 0, lastSyncAt: null, active: false, error: null },
  ...over,
});

/** main answering `sync.status` with the next of `answers` (the last one repeats); counts the calls. */
function fakeMain(...answers: (SyncState | 'fail')[]) {
  let calls = 0;
  const bridge: TerminalBridge = {
    kind: 'browser',
    async invoke(name) {
      if (name !== 'sync.status') return { ok: false, error: { code: 'UNKNOWN_CALL', message: name } };
      const a = answers[Math.min(calls++, answers.length - 1)]!;
      return a === 'fail' ? { ok: false, error: { code: 'TIMEOUT', message: 'main did not answer' } } : { ok: true, value: a };
    },
    on: () => () => undefined,
  };
  window.terminal = bridge;
  return { calls: () => calls };
}
afterEach(() => {
  delete (window as { terminal?: TerminalBridge }).terminal;
});

describe('station identity', () => {
  it('is main’s answer, asked each time (enrolment can change it while the window is open)', async () => {
    const main = fakeMain(state({ stationId: null, terminalId: null, enrolled: false, online: false }), state());
    expect(await stationIdentity()).toEqual({ stationId: null, terminalId: null, online: false });
    expect(await stationIdentity()).toEqual({ stationId: '360121201', terminalId: 'T-1', online: true });
    expect(main.calls()).toBe(2);
  });

  it('a failing main is the bridge’s error for stationIdentity, and no station for stationIdOrNull', async () => {
    fakeMain('fail');
    await expect(stationIdentity()).rejects.toMatchObject({ name: 'BridgeError', code: 'TIMEOUT' });
    expect(await stationIdOrNull()).toBeNull();
    delete (window as { terminal?: TerminalBridge }).terminal;
    expect(await stationIdOrNull()).toBeNull();
    fakeMain(state({ stationId: '360121100' }));
    expect(await stationIdOrNull()).toBe('360121100');
  });

  it('enrolledStation waits through failures and a terminal not enrolled yet', async () => {
    const main = fakeMain('fail', state({ stationId: null, enrolled: false }), state({ terminalId: null }));
    expect(await enrolledStation(5)).toEqual({ stationId: '360121201', terminalId: null });
    expect(main.calls()).toBe(3);
  });
});
