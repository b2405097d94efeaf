import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { startHost, type RunningHost } from './host';

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost({ role: 'kiosk' });
});
test.afterAll(async () => {
  await host?.stop();
});

test('the READY url shows the kiosk home in Chinese with window.terminal and no require', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  expect(await page.evaluate(() => typeof (window as unknown as { terminal?: unknown }).terminal)).toBe('object');
  expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as unknown as { process?: unknown }).process)).toBe('undefined');
  // The launch code is taken out of the address bar, and nothing of the session is in reach of script or storage.
  expect(page.url()).not.toContain('launch=');
  const cookies = await page.context().cookies();
  expect(cookies).toEqual([expect.objectContaining({ name: `terminal_session_${new URL(host.origin).port}`, httpOnly: true, sameSite: 'Strict', path: '/__terminal', expires: -1 })]);
  const visible = await page.evaluate(() => ({ cookie: document.cookie, stored: JSON.stringify({ ...sessionStorage, ...localStorage }) }));
  expect(visible.cookie).toBe('');
  expect(visible.stored).not.toContain(cookies[0]!.value);
  expect(visible.stored).not.toContain('launch');
});

test('a launch code opens one session only: a second page with the same code gets no bridge, a reload keeps its own', async ({ page, browser }) => {
  const url = host.url;
  await page.goto(url);
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { terminal: { invoke(n: string, i?: unknown): Promise<{ ok: boolean }> } }).terminal.invoke('app.info'))).toMatchObject({ ok: true });
  const other = await browser.newContext();
  try {
    const thief = await other.newPage();
    await thief.goto(url);
    const answer = await thief.evaluate(() => (window as unknown as { terminal: { invoke(n: string, i?: unknown): Promise<unknown> } }).terminal.invoke('app.info'));
    expect(answer).toMatchObject({ ok: false, error: { code: 'BRIDGE_UNAVAILABLE', message: expect.stringContaining('no bridge session') } });
  } finally {
    await other.close();
  }
});

test('the bridge answers a valid call and refuses an unknown call and an invalid payload with typed errors', async ({ page }) => {
  await page.goto(host.url);
  const results = await page.evaluate(async () => {
    const t = (window as unknown as { terminal: { invoke(n: string, i?: unknown): Promise<unknown> } }).terminal;
    return {
      info: await t.invoke('app.info'),
      unknown: await t.invoke('system.exec', { cmd: 'rm -rf /' }),
      invalid: await t.invoke('app.ping', { nonce: 12345 }),
      proto: await t.invoke('__proto__'),
    };
  });
  expect(results.info).toMatchObject({ ok: true, value: { role: 'kiosk', host: 'browser', demo: true, locale: 'zh-CN' } });
  expect(results.unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL', message: expect.stringContaining('system.exec') } });
  expect(results.invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [expect.objectContaining({ path: 'nonce' })] } });
  expect(results.proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
});

test('the bridge survives garbage on the socket and keeps serving', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  const [session] = await page.context().cookies();
  expect(session).toBeTruthy();
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/__terminal/ws`, { origin: host.origin, headers: { cookie: `${session!.name}=${session!.value}` } });
  const answers: { type: string; id?: number }[] = [];
  ws.on('message', (d) => answers.push(JSON.parse(d.toString())));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  ws.send('not json at all {{{');
  ws.send(Buffer.from([0, 1, 2, 3]));
  ws.send(JSON.stringify({ type: 'call', id: 'x', name: 5 }));
  ws.send(JSON.stringify({ type: 'call', id: 7, name: 'app.ping', input: { nonce: 'after-garbage' } }));
  await expect.poll(() => answers.some((a) => a.id === 7)).toBe(true);
  expect(answers[0]).toMatchObject({ type: 'hello', role: 'kiosk' });
  expect(answers).toContainEqual(expect.objectContaining({ type: 'result', id: 7, envelope: expect.objectContaining({ ok: true, value: expect.objectContaining({ nonce: 'after-garbage' }) }) }));
  expect(answers).toContainEqual(expect.objectContaining({ type: 'result', id: -1, envelope: expect.objectContaining({ ok: false }) }));
  ws.close();
});

test('the WebSocket refuses a wrong session, a foreign Origin and a foreign Host', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  const [session] = await page.context().cookies();
  const good = `${session!.name}=${session!.value}`;
  const base = `${host.origin.replace('http', 'ws')}/__terminal/ws`;
  const status = (url: string, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('error', () => resolve(-1));
    });
  expect(await status(base, { Origin: host.origin, Cookie: `${session!.name}=wrong` })).toBe(401);
  expect(await status(base, { Origin: host.origin })).toBe(401);
  // The session credential is never accepted from the URL.
  expect(await status(`${base}?token=${session!.value}`, { Origin: host.origin })).toBe(401);
  expect(await status(base, { Origin: 'http://evil.example', Cookie: good })).toBe(403);
  expect(await status(base, { Origin: host.origin, Host: 'evil.example', Cookie: good })).toBe(421);
  expect(await status(base, { Origin: host.origin, Cookie: good })).toBe(101);
});

test('static serving stays inside the renderer folder and sends the CSP', async ({ request }) => {
  const index = await request.get(`${host.origin}/`);
  expect(index.status()).toBe(200);
  expect(index.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(index.headers()['content-security-policy']).not.toContain('unsafe-eval');
  for (const path of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/package.json', '/nope.js']) {
    const r = await request.get(`${host.origin}${path}`);
    expect([403, 404]).toContain(r.status());
  }
});

test('navigation out of the app and new windows do not escape the CSP', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') violations.push(m.text()); });
  await page.goto(host.url);
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('https://example.com/');
      return false;
    } catch {
      return true;
    }
  });
  expect(blocked).toBe(true);
  expect(violations.join('\n')).toMatch(/Content Security Policy/);
});
