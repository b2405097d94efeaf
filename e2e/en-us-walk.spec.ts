/**
 * en-US on every kiosk and clerk screen (issue 14 item 1): each route is opened in Debian Chromium
 * with the terminal configured for en-US, and every visible text and label is searched for Han
 * characters. Chinese that is data, not UI — a service's name from the catalogue, the station's name,
 * a resident's name — is marked `lang="zh-CN"` by the page (screen readers read it in Chinese) and is
 * not counted. What is left is UI not yet in the catalogue; until it is all moved, the count per
 * route may only go down (HAN_LEFT below, measured 2026-12-05); a route over its count fails.
 * The Han texts found are written to test-results/en-us-walk.json.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { DEMO_ADMIN, signIn } from './clerk-helpers';
import { typeOnKeyboard } from './kiosk-steps';

/** Visible texts and labels with Han characters outside elements marked lang="zh…". */
async function hanTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const han = /\p{Script=Han}/u;
    const visible = (el: Element | null) => !!el && (el as HTMLElement).getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const data = (el: Element | null) => !!el?.closest('[lang^="zh"]:not(html)');
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? '';
      const el = n.parentElement;
      if (text && han.test(text) && visible(el) && !data(el) && !el?.closest('script,style')) found.push(text.slice(0, 60));
    }
    for (const el of document.body.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v && han.test(v) && visible(el) && !data(el)) found.push(`@${a}=${v.slice(0, 60)}`);
      }
    }
    return [...new Set(found)];
  });
}

/**
 * Han texts per screen still on it, what is left to move (none since 2026-12-06: the devices' status
 * words moved to the catalogue). A screen may only go down; one not listed must have none.
 */
const HAN_LEFT: Record<string, number> = {};

/** Han in the en-US catalogue is deliberate (e.g. the search box's example: 居民医保). */
const deliberate = new Set<string>();
/** The catalogue's loading words (every `…loading` key): a screen still showing one is not counted yet. */
const loadingWords = new Set<string>();
(function collect(v: unknown, key: string): void {
  if (typeof v === 'string') {
    if (/\p{Script=Han}/u.test(v)) deliberate.add(v);
    if (/loading$/i.test(key)) loadingWords.add(v);
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k);
})(JSON.parse(readFileSync(join(ROOT, 'renderer', 'i18n', 'locales', 'en-US.json'), 'utf8')), '');

/** What a screen still loading shows: a loading word, Element Plus's loading mask, or `data-state="loading"`. */
async function stillLoading(page: Page): Promise<string[]> {
  return page.evaluate((words) => {
    const visible = (el: Element | null) => !!el && (el as HTMLElement).getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? '';
      if (text && words.includes(text) && visible(n.parentElement)) found.push(text);
    }
    for (const el of document.querySelectorAll('.el-loading-mask, [data-state="loading"]')) if (visible(el)) found.push(el.className || 'data-state=loading');
    return found;
  }, [...loadingWords]);
}

const report: Record<string, string[]> = {};

test.afterAll(() => {
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'test-results', 'en-us-walk.json'), JSON.stringify(report, null, 2));
});

for (const role of ['kiosk', 'clerk'] as const) {
  test.describe(`${role} in en-US`, () => {
    let host: RunningHost;
    test.beforeAll(async () => {
      host = await startHost({ role, config: { role, locale: 'en-US' } });
    });
    test.afterAll(async () => host?.stop());

    test(`every ${role} route, UI words from the catalogue`, async ({ page }) => {
      test.setTimeout(300_000);
      const visit = async (name: string) => {
        await page.waitForTimeout(800);
        // Counted once loaded: a screen still saying "Loading…" would pass without its data.
        await expect.poll(() => stillLoading(page), { timeout: 30_000, message: `${name} still loading` }).toEqual([]);
        report[name] = (await hanTexts(page)).filter((x) => !deliberate.has(x.replace(/^@\w[\w-]*=/, '')));
        mkdirSync(join(ROOT, 'test-results', 'screens'), { recursive: true });
        await page.screenshot({ path: join(ROOT, 'test-results', 'screens', `en-us-${role}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
      };
      await page.goto(host.url);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en-US', { timeout: 30_000 });
      if (role === 'kiosk') {
        const home = async () => {
          await page.goto(host.url);
          await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 30_000 });
        };
        await home();
        await visit('kiosk home');
        for (const tile of ['progress', 'queue', 'evaluation'] as const) {
          await home();
          await page.getByTestId(`kiosk-tile-${tile}`).click();
          await expect(page).toHaveURL(new RegExp(`#/kiosk/${tile}`));
          // The queue's categories, not its loading line: counted once they are there.
          if (tile === 'queue') await expect(page.locator('[data-testid^="queue-cat-"]').first()).toBeVisible({ timeout: 30_000 });
          await visit(`kiosk ${tile}`);
        }
        await home();
        await page.getByTestId('kiosk-tile-services').click();
        await expect(page.getByTestId('kiosk-services')).toBeVisible();
        // The topic chips come with the catalogue: count once they are there.
        await expect(page.locator('[data-testid^="group-"]').first()).toBeVisible({ timeout: 60_000 });
        await visit('kiosk services');
        await typeOnKeyboard(page, 'jmyb');
        await expect(page.getByTestId('service-YB01')).toBeVisible({ timeout: 60_000 });
        await visit('kiosk search');
        await page.getByTestId('service-YB01').click();
        await expect(page.getByTestId('guide-apply')).toBeVisible({ timeout: 15_000 });
        await visit('kiosk guide');
        await page.getByTestId('guide-apply').click();
        await expect(page.getByTestId('kiosk-identify')).toBeVisible();
        await visit('kiosk identify');
      } else {
        await expect(page.getByTestId('clerk-signin')).toBeVisible({ timeout: 30_000 });
        await visit('clerk sign-in');
        await signIn(page, DEMO_ADMIN);
        for (const id of ['new', 'cases', 'calling', 'dashboard', 'seal', 'sync', 'devices', 'settings']) {
          await page.getByTestId(`clerk-nav-${id}`).click();
          await expect(page).toHaveURL(new RegExp(`#/clerk/${id}`));
          await visit(`clerk ${id}`);
        }
      }
      const screens = Object.entries(report).filter(([r]) => r.startsWith(role));
      for (const [r, texts] of screens) console.log(`en-US ${r}: ${texts.length} Han texts${texts.length ? ` — ${texts.join(' | ')}` : ''}`);
      for (const [r, texts] of screens) expect(texts.length, `${r}: ${texts.join(' | ')}`).toBeLessThanOrEqual(HAN_LEFT[r] ?? 0);
    });
  });
}
