/**
 * The shell's screens in Debian Chromium through the browser host: kiosk home, clerk shell,
 * hall display; elderly mode; kiosk idle reset; axe-core (WCAG 2 A/AA) on every screen in normal
 * and elderly mode. Screenshots of each screen are kept in test-results/screens/.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { DEMO_ADMIN, DEMO_ASSISTANT, signIn } from './clerk-helpers';

const SCREENS = join(ROOT, 'test-results', 'screens');

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function setElderly(page: Page, on: boolean) {
  await page.evaluate((flag) => {
    if (flag) sessionStorage.setItem('terminal.elderly', '1');
    else sessionStorage.removeItem('terminal.elderly');
  }, on);
  await page.reload();
}

for (const role of ['kiosk', 'clerk', 'display'] as const) {
  test.describe(`${role} screen`, () => {
    let host: RunningHost;
    test.beforeAll(async () => {
      host = await startHost({ role, config: { role, stationName: '湖口县流泗镇便民服务中心' } });
    });
    test.afterAll(async () => host?.stop());

    for (const elderly of [false, true]) {
      test(`has no serious or critical axe violations${elderly ? ' in elderly mode' : ''}`, async ({ page }) => {
        const cspViolations: string[] = [];
        page.on('console', (m) => {
          if (/Content Security Policy/i.test(m.text()) && !/frame-ancestors/.test(m.text())) cspViolations.push(m.text());
        });
        await page.goto(host.url);
        await expect(page.getByTestId(`${role}-root`).or(page.getByTestId('clerk-shell'))).toBeVisible();
        await setElderly(page, elderly);
        if (elderly) await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
        else await expect(page.locator('html')).not.toHaveAttribute('data-elderly', 'true');
        await expect(page.getByTestId('demo-banner')).toBeVisible();
        await page.screenshot({ path: join(SCREENS, `${role}${elderly ? '-elderly' : ''}.png`), fullPage: true });
        expect(await seriousViolations(page)).toEqual([]);
        expect(cspViolations).toEqual([]);
      });
    }
  });
}

test.describe('kiosk behaviour', () => {
  let host: RunningHost;
  test.beforeAll(async () => {
    host = await startHost({ role: 'kiosk', config: { role: 'kiosk', kiosk: { idleTimeoutSec: 10, countdownSec: 8, elderlyTimeoutFactor: 2 } } });
  });
  test.afterAll(async () => host?.stop());

  test('the 长者模式 tile toggles elderly mode: larger text, remembered across a reload', async ({ page }) => {
    await page.goto(host.url);
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const before = await size();
    const toggle = page.getByTestId('elderly-toggle');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
    expect(await size()).toBeGreaterThanOrEqual(before * 1.3);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
  });

  test('idle reset shows a countdown, then returns home with the session wiped', async ({ page }) => {
    await page.goto(host.url);
    await page.getByTestId('kiosk-tile-services').click();
    await expect(page).toHaveURL(/#\/kiosk\/.+/);
    // 10 s idle, then a visible 8 s countdown (long enough for a touch to land on CI's busy cores).
    const overlay = page.getByTestId('idle-overlay');
    await expect(overlay).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('idle-countdown')).toContainText(/\d/);
    // Touching the screen during the countdown keeps the session.
    await page.getByTestId('idle-continue').click();
    await expect(overlay).toBeHidden();
    await expect(page).toHaveURL(/#\/kiosk\/.+/);
    // Left alone again: reset to home.
    await expect(overlay).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 20_000 });
    await expect(overlay).toBeHidden();
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('terminal.session.')))).toEqual([]);
  });

  test('with the system set to reduce motion, the card hint stands still and the page stops painting', async ({ browser }) => {
    const running = (page: Page) => page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').map((a) => (a as CSSAnimation).animationName));
    // By default the hint's scan band moves for as long as the home screen shows…
    const moving = await browser.newPage({ reducedMotion: 'no-preference' });
    await moving.goto(host.url);
    await expect(moving.getByTestId('kiosk-home')).toBeVisible();
    await expect.poll(() => running(moving)).toEqual([expect.stringMatching(/^idcard-scan/)]);
    await moving.close();
    // …and with reduced motion every animation has ended (cut to 0.01 ms but still endless, the band
    // jumped to a random place each frame).
    const still = await browser.newPage({ reducedMotion: 'reduce' });
    await still.goto(host.url);
    await expect(still.getByTestId('kiosk-home')).toBeVisible();
    await expect.poll(() => running(still)).toEqual([]);
    await still.close();
  });

  test('kiosk pages block the context menu and text selection', async ({ page }) => {
    await page.goto(host.url);
    await expect(page.getByTestId('kiosk-home')).toBeVisible();
    const prevented = await page.evaluate(() => {
      const e = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
      document.body.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).userSelect)).toBe('none');
  });
});

test.describe('clerk shell', () => {
  let host: RunningHost;
  test.beforeAll(async () => {
    host = await startHost({ role: 'clerk' });
  });
  test.afterAll(async () => host?.stop());

  test('navigates to every entry and each page has its title (station admin: every entry)', async ({ page }) => {
    // Six pages, each with a full axe run (5–10 s each on a loaded 2-core machine, 20 s on CI: 2.4 min there).
    test.setTimeout(360_000);
    await page.goto(host.url);
    await signIn(page, DEMO_ADMIN);
    const entries = [
      ['new', '新建代办'],
      ['cases', '办件列表'],
      ['calling', '叫号'],
      ['seal', '验章'],
      ['sync', '同步状态'],
      ['devices', '设备'],
      ['settings', '设置'],
    ] as const;
    for (const [id, title] of entries) {
      await page.getByTestId(`clerk-nav-${id}`).click();
      await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    }
  });

  test('an assistant has no 叫号: not in the menu, and its URL goes to 新建代办', async ({ page }) => {
    await page.goto(host.url);
    // main keeps the staff session across pages: sign out whoever an earlier test left signed in
    await expect(page.getByTestId('clerk-signin').or(page.getByTestId('clerk-staff'))).toBeVisible({ timeout: 30_000 });
    if (await page.getByTestId('clerk-staff').isVisible()) await page.getByTestId('clerk-signout').click();
    await signIn(page, DEMO_ASSISTANT);
    await expect(page.getByTestId('clerk-nav-new')).toBeVisible();
    await expect(page.getByTestId('clerk-nav-calling')).toHaveCount(0);
    await page.getByTestId('clerk-nav-cases').click();
    await expect(page.getByRole('heading', { level: 1, name: '办件列表' })).toBeVisible();
    await page.goto(`${host.url.split('#')[0]}#/clerk/calling`);
    await expect(page).toHaveURL(/#\/clerk\/new$/);
    await expect(page.getByRole('heading', { level: 1, name: '新建代办' })).toBeVisible();
  });
});
