/** Shared kiosk steps a resident takes on the touch screen (Playwright clicks on the real UI). */
import { expect, type Page } from '@playwright/test';
import type { KioskDevices } from './kiosk-devices';

/** Types on the kiosk's on-screen keyboard, key by key. */
export async function typeOnKeyboard(page: Page, text: string): Promise<void> {
  for (const ch of text) await page.locator(`[data-testid="on-screen-keyboard"] .hg-button[data-skbtn="${ch}"]`).first().click();
}

/**
 * From the home screen: card on the reader, search jmyb, open the first 居民医保 item, fill and submit
 * (an elderly card accepts 长者模式 when offered). `step` runs at each screen (screenshots, axe).
 * Resolves with the application id shown on 已提交.
 */
export async function fileKioskApplication(page: Page, devices: Pick<KioskDevices, 'present' | 'remove'>, card: string, opts: { elderly?: boolean; step?: (name: string) => Promise<void> } = {}): Promise<string> {
  await page.getByTestId('kiosk-tile-services').click();
  await expect(page.getByTestId('kiosk-services')).toBeVisible();
  await opts.step?.(`${card}-services`);
  await typeOnKeyboard(page, 'jmyb');
  await expect(page.getByTestId('service-search')).toHaveValue('jmyb');
  await expect(page.getByTestId('keyboard-candidate').first()).toHaveText('居民医保');
  const results = page.getByTestId('service-results').locator('a');
  await expect(results.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('service-YB01')).toBeVisible();
  await opts.step?.(`${card}-search-jmyb`);
  await page.getByTestId('service-YB01').click();
  await expect(page.getByTestId('kiosk-guide')).toBeVisible();
  await opts.step?.(`${card}-guide`);
  await page.getByTestId('guide-apply').click();

  // Identify: the card read fills the session.
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
  await opts.step?.(`${card}-identify`);
  await devices.present(card);
  if (opts.elderly) {
    await expect(page.getByTestId('elderly-offer')).toBeVisible({ timeout: 15_000 });
    await opts.step?.(`${card}-elderly-offer`);
    await page.getByTestId('elderly-accept').click();
    await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
    // Voice prompts are requested (headless Chromium has no voices; the request is what we test).
    await expect(page.locator('html')).toHaveAttribute('data-voice-prompt', /kiosk\.voice\./);
  }

  // Form: step 1 (applicant) is prefilled from the card; the phone is typed on the numeric pad.
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 15_000 });
  await devices.remove();
  await expect(page.getByTestId('field-applicantName').locator('input')).not.toHaveValue('');
  await expect(page.getByTestId('apply-who')).toContainText('****');
  await page.getByTestId('apply-next').click();
  await expect(page.getByTestId('field-phone').getByRole('alert')).toHaveText('请填写手机号');
  await opts.step?.(`${card}-form-errors`);
  await page.getByTestId('field-phone').locator('input').click();
  await typeOnKeyboard(page, '13800138000');
  await expect(page.getByTestId('field-phone').locator('input')).toHaveValue('13800138000');
  await page.getByTestId('apply-next').click();
  // Step 2: 参保人类别; choosing 新生儿 shows the conditional section.
  await expect(page.getByTestId('field-insuredType')).toBeVisible();
  await page.getByTestId('field-insuredType').getByRole('button', { name: '新生儿' }).click();
  await expect(page.getByTestId('field-newbornName')).toBeVisible();
  await page.getByTestId('field-insuredType').getByRole('button', { name: '普通居民' }).click();
  await expect(page.getByTestId('field-newbornName')).toBeHidden();
  await opts.step?.(`${card}-form-step2`);
  await page.getByTestId('apply-next').click();
  await page.getByTestId('field-byAgent').getByRole('button', { name: '否' }).click();
  await page.getByTestId('apply-next').click();
  await expect(page.getByTestId('apply-review')).toBeVisible();
  await expect(page.getByTestId('apply-review')).toContainText('13800138000');
  await opts.step?.(`${card}-review`);
  await page.getByTestId('apply-submit').click();
  await expect(page.getByTestId('kiosk-submitted')).toBeVisible({ timeout: 20_000 });
  const id = (await page.getByTestId('submitted-id').textContent())!.trim();
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id;
}
