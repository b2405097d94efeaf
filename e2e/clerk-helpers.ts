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

/** A zigzag stroke on a signature pad (touch-like mouse moves). */
export async function drawSignature(page: Page, testid: string): Promise<void> {
  await page.getByTestId(testid).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testid).boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + 80);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 30 + i * 25, box.y + 80 + (i % 2 ? -30 : 30), { steps: 3 });
  await page.mouse.up();
}

/**
 * 新建代办 up to the materials: read the card, choose YB01, sign the 委托书 and generate it, fill the
 * form's required fields. The card is put on the reader by `card.present` and taken off by `card.remove`.
 */
export async function newCaseUpToMaterials(page: Page, card: { present(): Promise<void>; remove?(): Promise<void> }): Promise<void> {
  await page.getByTestId('clerk-nav-new').click();
  await page.getByTestId('newcase-read-card').click();
  await card.present();
  await expect(page.getByTestId('newcase-resident')).toContainText('**********', { timeout: 20_000 });
  await card.remove?.();
  await page.getByTestId('newcase-service').click();
  await page.keyboard.type('YB01');
  await page.getByRole('option', { name: /^YB01 / }).click();
  await expect(page.getByTestId('newcase-form')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('newcase-reason').fill('年老行动不便');
  await page.getByTestId('newcase-principal-phone').fill('13912345678');
  // sign until 生成委托书 is enabled (a stroke drawn while the layout still moves may miss the pad)
  for (let attempt = 0; attempt < 3; attempt++) {
    await drawSignature(page, 'newcase-signature');
    if (await expect(page.getByTestId('newcase-letter')).toBeEnabled({ timeout: 3000 }).then(() => true, () => false)) break;
  }
  await page.getByTestId('newcase-letter').click();
  await expect(page.getByTestId('newcase-letter-done')).toBeVisible({ timeout: 20_000 });
  const phone = page.getByTestId('field-phone').locator('input');
  if (await phone.count()) await phone.fill('13800000000');
  const insured = page.getByTestId('field-insuredType').getByRole('button', { name: '普通居民' });
  if (await insured.count()) await insured.click();
}
