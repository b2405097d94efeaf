// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AppInfo, Envelope, TerminalBridge } from '../../preload/contract';
import { useAppStore } from './app';

const info: AppInfo = {
  productName: '乡镇便民服务终端',
  version: '0.1.0',
  role: 'clerk',
  host: 'browser',
  demo: false,
  locale: 'zh-CN',
  stationName: '测试站',
  kiosk: { idleTimeoutSec: 60, countdownSec: 10, elderlyTimeoutFactor: 2 },
};

function fakeBridge(answer: (name: string) => Promise<Envelope>): TerminalBridge {
  return { kind: 'browser', invoke: (name) => answer(name), on: () => () => undefined };
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  delete window.terminal;
});

describe('app store start-up', () => {
  it('is ready with the info from app.info', async () => {
    window.terminal = fakeBridge(async () => ({ ok: true, value: info }));
    const app = useAppStore();
    await app.load();
    expect(app.status).toBe('ready');
    expect(app.role).toBe('clerk');
    expect(app.homePath).toBe('/clerk');
    expect(app.demo).toBe(false);
  });

  it('reports BRIDGE_UNAVAILABLE when no bridge appears', async () => {
    const app = useAppStore();
    await app.load({ bridgeWaitMs: 60 });
    expect(app.status).toBe('error');
    expect(app.error?.code).toBe('BRIDGE_UNAVAILABLE');
    expect(app.info).toBeNull();
  });

  it('waits for a bridge that is installed late', async () => {
    setTimeout(() => (window.terminal = fakeBridge(async () => ({ ok: true, value: info }))), 30);
    const app = useAppStore();
    await app.load({ bridgeWaitMs: 1000 });
    expect(app.status).toBe('ready');
  });

  it('passes the bridge error code on', async () => {
    window.terminal = fakeBridge(async () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'no' } }));
    const app = useAppStore();
    await app.load();
    expect(app.status).toBe('error');
    expect(app.error?.code).toBe('FORBIDDEN');
  });

  it('gives up with TIMEOUT when app.info never answers', async () => {
    window.terminal = fakeBridge(() => new Promise<Envelope>(() => undefined));
    const app = useAppStore();
    await app.load({ timeoutMs: 50 });
    expect(app.error?.code).toBe('TIMEOUT');
  });
});
