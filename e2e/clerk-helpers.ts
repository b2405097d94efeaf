/** Shared steps of the clerk e2e scenarios. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Demo staff (sync/server/seed/demo.ts, demo only). */
export const DEMO_ASSISTANT = { id: 'S002', pin: '234567', name: '演示代办员' };
export const DEMO_COUNTER = { id: 'S001', pin: '123456', name: '演示窗口员' };
export const DEMO_ADMIN = { id: 'S003', pin: '345678', name: '演示站长' };

/** Waits until main is enrolled with the platform (the demo platform may take a while to boot under load). */
export async function waitEnrolled(page: Page, ms = 90_000): Promise<void> {
  await expect
    .poll(async () => page.evaluate(async () => ((await window.terminal?.invoke('sync.status', {})) as { ok: boolean; value?: { enrolled: boolean } } | undefined)?.value?.enrolled ?? false), { timeout: ms })
    .toBe(true);
}

export async function signIn(page: Page, who: { id: string; pin: string } = DEMO_ASSISTANT): Promise<void> {
  await expect(page.getByTestId('clerk-signin')).toBeVisible({ timeout: 30_000 });
  await waitEnrolled(page);
  await page.getByTestId('signin-staff').fill(who.id);
  await page.getByTestId('signin-pin').fill(who.pin);
  await page.getByTestId('signin-pin').press('Enter');
  await expect(page.getByTestId('clerk-staff')).toBeVisible({ timeout: 30_000 });
}

export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}
