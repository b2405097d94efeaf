/**
 * Devices through the browser host in demo mode: emulated reader and printer on socat ptys,
 * events and calls over the real bridge; personal data only reaches counter roles.
 */
import { expect, test, type Page } from '@playwright/test';
import { startHost, type RunningHost } from './host';

type T = { invoke(n: string, i?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>; on(e: string, l: (p: unknown) => void): () => void };
const invoke = (page: Page, name: string, input?: unknown) => page.evaluate(([n, i]) => (window as unknown as { terminal: T }).terminal.invoke(n as string, i), [name, input] as const);

let kiosk: RunningHost;
let display: RunningHost;
test.beforeAll(async () => {
  [kiosk, display] = await Promise.all([startHost({ role: 'kiosk' }), startHost({ role: 'display' })]);
});
test.afterAll(async () => {
  await Promise.all([kiosk?.stop(), display?.stop()]);
});

test('a card on the emulated reader reaches the kiosk page as an event; the printer prints the receipt', async ({ page }) => {
  await page.goto(kiosk.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await expect.poll(async () => ((await invoke(page, 'devices.status')).value as { role: string; state: string }[] | undefined)?.filter((s) => s.role !== 'speech' && s.state === 'connected').length, { timeout: 20_000 }).toBe(4);
  await page.evaluate(() => {
    const w = window as unknown as { terminal: T; cards: unknown[] };
    w.cards = [];
    w.terminal.on('devices.idcard', (p) => w.cards.push(p));
  });
  expect(await invoke(page, 'devices.demo.presentCard', { card: 'hmt-residence' })).toMatchObject({ ok: true });
  await expect.poll(() => page.evaluate(() => (window as unknown as { cards: { type: string; card?: { cardType: string } }[] }).cards.find((c) => c.type === 'card')?.card?.cardType), { timeout: 10_000 }).toBe('hmt-residence');
  await invoke(page, 'devices.demo.removeCard');

  const ticket = { stationName: '流泗镇便民服务中心', ticketNumber: 'B007', category: '民政救助', waitingCount: 2, issuedAt: '2026-11-29T09:30:00+08:00', qrPayload: 'https://example.gov.cn/q/B007' };
  expect(await invoke(page, 'devices.printTicket', ticket)).toMatchObject({ ok: true, value: { ok: true } });
  const transcript = (await invoke(page, 'devices.demo.printerTranscript')).value as { jobs: string[][] };
  expect(transcript.jobs.at(-1)?.join('\n')).toContain('B007');

  // Garbage print data is refused by the contract with a typed error.
  expect(await invoke(page, 'devices.printTicket', { ticketNumber: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
});

test('the hall display may not print and never receives card events', async ({ page }) => {
  await page.goto(display.url);
  await expect(page.getByTestId('display-root')).toBeVisible();
  await page.evaluate(() => {
    const w = window as unknown as { terminal: T; cards: unknown[] };
    w.cards = [];
    w.terminal.on('devices.idcard', (p) => w.cards.push(p));
  });
  expect(await invoke(page, 'devices.printTicket', { stationName: '站', ticketNumber: 'A1', category: '综合', waitingCount: 0, issuedAt: '2026-11-29T09:30:00+08:00' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  await expect.poll(async () => ((await invoke(page, 'devices.status')).value as { role: string; state: string }[] | undefined)?.filter((s) => s.role !== 'speech' && s.state === 'connected').length, { timeout: 20_000 }).toBe(4);
  // Announcements: main's offline engine speaks plain text for the display; markup and control characters are refused.
  const speech = ((await invoke(page, 'devices.status')).value as { role: string; state: string; say: string }[]).find((x) => x.role === 'speech');
  expect(speech?.say).toMatch(/^[A-Z][A-Z0-9_]+$/);
  const said = await invoke(page, 'devices.announce', { text: '请 A012 号到 2 号窗口办理', repeat: 1 });
  if (speech?.state === 'error' && (speech as { code?: string }).code === 'NO_SPEECH_ENGINE') expect(said).toMatchObject({ ok: false, error: { code: 'NO_SPEECH_ENGINE' } });
  else expect(said).toMatchObject({ ok: true, value: { engine: expect.any(String) } });
  for (const text of ['<speak>请</speak>', '请\u0007', '请'.repeat(81)]) expect(await invoke(page, 'devices.announce', { text })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  await invoke(page, 'devices.demo.presentCard', { card: 'resident' });
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => (window as unknown as { cards: unknown[] }).cards)).toEqual([]);
});
