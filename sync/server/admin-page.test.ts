// The back-office page in a real Chromium: token, list, accept (受理号), supplement (补正), enrollment code.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleApplication } from '../protocol/index';
import { startPlatform, type Platform } from './platform';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: the admin page test cannot run in CI`);
if (!available) console.warn(`WARNING: Chromium not found at ${CHROMIUM}; skipping the admin page test`);

describe.runIf(available)('admin web page', () => {
  let p: Platform | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('lists applications and runs back-office actions without script errors', async () => {
    p = await startPlatform();
    const doc = exampleApplication({ status: 'synced' });
    await p.store.upsertAsPlatform('applications', [doc]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    // 补正 asks three things in turn: reasons, form fields, material codes.
    const answers = ['材料不全；照片不清晰', 'bankAccount；phone', 'MZ06-M01'];
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void d.accept(answers.shift() ?? '');
    });
    await page.goto(`${p.url}/admin`);
    await page.fill('#token', p.adminToken);
    await page.click('#save-token');
    await page.waitForSelector('#rows tr');
    expect(await page.locator('#rows tr').count()).toBe(1);
    await page.click('#rows tr button[data-action="accept"]');
    await page.locator('#message', { hasText: 'accepted' }).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#rows tr td:nth-child(6)')).toMatch(/^360121201-\d{8}-0001$/);
    await page.click('#rows tr button[data-action="supplement"]');
    await page.locator('#message', { hasText: 'supplement_required' }).waitFor({ timeout: 10_000 });
    expect(((await p.store.getDocument('applications', doc.id)) as { supplement: unknown }).supplement).toMatchObject({ reasons: ['材料不全', '照片不清晰'], fields: ['bankAccount', 'phone'], materials: ['MZ06-M01'] });
    expect(prompts[1]).toContain('bankAccount'); // the form's field names are offered (names only, no values)
    expect(prompts[1]).not.toContain('6217000000000000001');
    await page.click('#make-code');
    await page.locator('#code', { hasText: '-' }).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#code')).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}/);
    expect(errors).toEqual([]);
  });
});
