import { describe, expect, it } from 'vitest';
import { createEventHub } from './events';
import { createLogger } from './log';

describe('event hub', () => {
  const lines: string[] = [];
  const log = createLogger({ stderr: false, level: 'debug', sink: (l) => lines.push(l) });

  it('validates payloads against the contract and drops malformed ones with a log line', () => {
    const hub = createEventHub(log);
    const got: unknown[] = [];
    hub.subscribe((name, payload) => got.push([name, payload]));
    hub.emit('devices.idcard', { type: 'removed', at: '2026-11-29T08:00:00.000Z' });
    hub.emit('devices.idcard', { type: 'card', card: { name: 42 }, at: 'now' } as never);
    expect(got).toHaveLength(1);
    expect(lines.some((l) => l.includes('event.invalid-payload'))).toBe(true);
  });

  it('delivers by the contract’s event roles, then by every gate; a throwing gate refuses', () => {
    const hub = createEventHub(log);
    expect(hub.deliverable('devices.idcard', 'display')).toBe(false);
    expect(hub.deliverable('devices.idcard', 'clerk')).toBe(true);
    const remove = hub.addGate((name, role) => !(name === 'devices.idcard' && role === 'clerk'));
    expect(hub.deliverable('devices.idcard', 'clerk')).toBe(false);
    expect(hub.deliverable('devices.idcard', 'kiosk')).toBe(true);
    const removeBad = hub.addGate(() => {
      throw new Error('boom');
    });
    expect(hub.deliverable('devices.status', 'kiosk')).toBe(false);
    removeBad();
    remove();
    expect(hub.deliverable('devices.idcard', 'clerk')).toBe(true);
  });
});
