/**
 * The counter/field acceptance scenario in Debian Chromium through the browser host, against the
 * reference platform behind a fault proxy, with emulated devices on ptys:
 * sign in offline → a complete 帮代办 while the platform is down (card, authorization signed on
 * screen → 委托书 PDF, form, materials, receipt) → platform up → the application reaches the platform
 * once → back office asks for 补正, flagging one form field and one material → the assistant opens
 * the 补正 editor, corrects the field, attaches a scan for the material and resubmits (the platform
 * gets the new value and the file) → back office approves → 办结单 with the resident's signature. Screenshots in test-results/screens/clerk-field-*.png; axe on each screen.
 * Attachments: the signed 委托书 PDF and a scanned material (PNG) are stored by main while offline,
 * shown as pending on 同步状态, and reach the platform before (or with) the application: the test
 * fetches them through the platform API and checks hash and file type.
 * The 委托书 names the signed-in assistant with their ID number and phone, which main fills from its
 * staff cache: the clerk window never holds staff ID numbers or phones (its IndexedDB and what
 * `sync.pull` hands it are searched for them).
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import type { Platform } from '../sync/server/platform';
import type { ApplicationDoc } from '../sync/protocol';
import type { FaultProxy } from './sync-fault-proxy';
import type { KioskDevices } from './kiosk-devices';
import { startStation, type Station } from './station';
import { ROOT, type RunningHost } from './host';
import { DEMO_ASSISTANT, drawSignature, newCaseUpToMaterials, seriousViolations } from './clerk-helpers';
import { DEMO_STAFF } from '../sync/server/seed/demo';
import { dumpIndexedDb } from './idb-dump';

const SCREENS = join(ROOT, 'test-results', 'screens');
let platform: Platform;
let proxy: FaultProxy;
let devices: KioskDevices;
let host: RunningHost;

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function admin(id: string, action: string, body: Record<string, unknown> = {}): Promise<void> {
  const r = await fetch(`${platform.url}/api/v1/admin/applications/${id}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status, `${action}: ${await r.clone().text()}`).toBe(200);
}

/** A small PNG-looking file (signature + random bytes; main checks the magic bytes, not the pixels). */
function scannedPng(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(50_000)]);
}

/** An attachment's bytes from the platform API (admin token); checks they hash to the id. */
async function attachment(sha256: string): Promise<Buffer> {
  let bytes: Buffer | null = null;
  await eventually(async () => {
    const r = await fetch(`${platform.url}/api/v1/attachments/${sha256}`, { headers: { authorization: `Bearer ${platform.adminToken}` } });
    if (r.status !== 200) return false;
    bytes = Buffer.from(await r.arrayBuffer());
    return true;
  }, 30_000, `attachment ${sha256.slice(0, 8)} on the platform`);
  expect(createHash('sha256').update(bytes!).digest('hex')).toBe(sha256);
  return bytes!;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS, `clerk-field-${name}.png`), fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
}

let station: Station | undefined;
test.beforeAll(async () => {
  station = await startStation('clerk', '南昌县流泗镇便民服务中心');
  ({ platform, proxy, devices, host } = station);
});
test.afterAll(async () => {
  await station?.stop();
});

test('帮代办 offline, sync once, 补正, approval, 办结单', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto(host.url);
  // main pulls the staff list (offline verifiers) and the page syncs the catalog while the platform is up
  await expect(page.getByTestId(`signin-roster-${DEMO_ASSISTANT.id}`)).toBeVisible({ timeout: 60_000 });
  await eventually(async () => {
    const s = await page.evaluate(async () => ((await window.terminal!.invoke('sync.status', {})) as { ok: boolean; value?: { local: { lastSyncAt: number | null; pending: number } } }).value);
    return !!s && s.local.lastSyncAt !== null;
  }, 60_000, 'the first catalog sync');

  // ---- platform down: sign in offline
  proxy.set({ kind: 'drop' });
  proxy.reset();
  await page.getByTestId('signin-staff').fill(DEMO_ASSISTANT.id);
  await page.getByTestId('signin-pin').fill(DEMO_ASSISTANT.pin);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('clerk-login-mode')).toHaveText('离线登录', { timeout: 30_000 });
  await expect(page.getByTestId('clerk-offline-banner')).toBeVisible({ timeout: 30_000 });
  await shot(page, '1-signed-in-offline');

  // ---- 帮代办
  await newCaseUpToMaterials(page, { present: () => devices.present('resident'), remove: () => devices.remove() });
  for (const box of await page.locator('[data-testid^="newcase-material-"]').all()) await box.click();
  // a scanned material: origin 扫描件, a PNG from the counter's scanner
  const origin = page.locator('[data-testid^="newcase-origin-"]').first();
  const material = (await origin.getAttribute('data-testid'))!.replace('newcase-origin-', '');
  await origin.click();
  await page.getByRole('option', { name: '扫描件', exact: true }).filter({ visible: true }).click();
  const scan = scannedPng();
  await page.getByTestId(`newcase-upload-${material}`).setInputFiles({ name: 'hukou-scan.png', mimeType: 'image/png', buffer: scan });
  await expect(page.getByTestId(`newcase-file-${material}`)).toContainText('hukou-scan.png', { timeout: 20_000 });
  // a file that is not what it claims is refused with a message
  await page.getByTestId(`newcase-upload-${material}`).setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.7 not a png') });
  await expect(page.getByTestId(`newcase-file-message-${material}`)).toContainText('fake.png', { timeout: 20_000 });
  await expect(page.getByTestId(`newcase-file-${material}`)).toHaveCount(1);
  await shot(page, '2-new-case');
  await page.getByTestId('newcase-submit').click();
  const msg = page.getByTestId('newcase-message');
  await expect(page.getByTestId('newcase-done').or(msg)).toBeVisible({ timeout: 30_000 });
  if (await msg.isVisible()) throw new Error(`submit refused: ${await msg.textContent()}`);
  await expect(page.getByTestId('newcase-receipt')).toHaveText('受理回执已打印。', { timeout: 20_000 });
  const id = (await page.getByTestId('newcase-done').textContent())!.match(/[0-9a-f-]{36}/)![0];
  expect((await devices.transcript()).join('\n')).toContain(id.slice(0, 8));
  await shot(page, '3-submitted');
  expect(await platform.store.getDocument('applications', id)).toBeFalsy();
  // 同步状态: the letter and the scan wait, encrypted, for the platform
  await page.getByTestId('clerk-nav-sync').click();
  await expect(page.getByTestId('sync-attachments-pending')).toContainText('待上传附件 2 个', { timeout: 20_000 });
  await shot(page, '3b-attachments-pending');

  // ---- platform up: reaches the platform once
  proxy.set({ kind: 'pass' });
  await eventually(async () => ((await platform.store.getDocument('applications', id)) as ApplicationDoc | null)?.status === 'synced', 60_000, 'application on the platform');
  const onPlatform = (await platform.store.getDocument('applications', id)) as ApplicationDoc;
  expect(onPlatform.statusHistory.filter((h) => h.status === 'submitted')).toHaveLength(1);
  expect(onPlatform.agent).toMatchObject({ kind: 'village_assistant', staffId: DEMO_ASSISTANT.id });
  expect(onPlatform.authorization?.scope).toEqual(['submit', 'collect_result']);
  expect(onPlatform.authorization?.reason).toBe('年老行动不便');

  // ---- the attachments the application references are on the platform: the signed letter (PDF) and the scan (PNG)
  const letterSha = onPlatform.authorization?.letterSha256;
  expect(letterSha).toMatch(/^[0-9a-f]{64}$/);
  const letterPdf = await attachment(letterSha!);
  expect(letterPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // The letter was printed before the draft existed, yet carries the application's own number.
  const letterText = execFileSync('pdftotext', ['-', '-'], { input: letterPdf, encoding: 'utf8' });
  expect(letterText.replace(/\s+/g, '')).toContain(id);
  expect(letterText.replace(/\s+/g, '')).toContain('委托原因年老行动不便');
  expect(letterText.replace(/\s+/g, '')).toContain('委托人联系电话13912345678');
  // the agent (受托人) is the signed-in assistant, with the ID number and phone main filled in (offline, from its staff cache)
  const assistant = DEMO_STAFF.find((s) => s.id === DEMO_ASSISTANT.id)!;
  expect(letterText.replace(/\s+/g, '')).toContain(`受托人（代办员）${assistant.name}（工号${assistant.id}）`);
  expect(letterText.replace(/\s+/g, '')).toContain(`受托人身份证号${assistant.idNumber}`);
  expect(letterText.replace(/\s+/g, '')).toContain(`受托人联系电话${assistant.phone}`);

  // ---- the clerk window never holds a staff ID number or phone: not in its IndexedDB, not in what main hands it
  const rendererData = {
    stores: await page.evaluate(dumpIndexedDb),
    pulled: JSON.stringify(await page.evaluate(() => window.terminal!.invoke('sync.pull', { collection: 'staff', checkpoint: null, limit: 100 }))),
  };
  // the search is not empty: the staff documents themselves are there
  expect(rendererData.stores.includes(assistant.name), 'staff documents in the IndexedDB').toBe(true);
  expect(rendererData.pulled.includes(assistant.name), 'staff documents from sync.pull').toBe(true);
  // (a failure names staff id and place only: no dump of the data, no number in the report)
  const leaks = DEMO_STAFF.flatMap((s) =>
    (['stores', 'pulled'] as const).flatMap((where) => (['idNumber', 'phone'] as const).filter((k) => rendererData[where].includes(s[k])).map((k) => `${s.id}.${k} in ${where}`)),
  );
  expect(leaks).toEqual([]);
  const scanRef = onPlatform.materials.find((m) => m.code === material)?.attachments[0];
  expect(scanRef).toMatchObject({ sha256: createHash('sha256').update(scan).digest('hex'), size: scan.length, mimeType: 'image/png', fileName: 'hukou-scan.png' });
  expect((await attachment(scanRef!.sha256)).equals(scan)).toBe(true);
  await expect(page.getByTestId('sync-attachments-pending')).toContainText('没有待上传的附件', { timeout: 30_000 });

  // ---- back office: accept, ask for 补正
  await admin(id, 'accept', { actor: 'B001' });
  const flaggedMaterial = onPlatform.materials.find((m) => m.code !== material)!.code;
  await admin(id, 'supplement', { actor: 'B001', reasons: ['户口簿复印件不清晰', '联系电话有误'], dueDate: '2026-12-31', fields: ['phone'], materials: [flaggedMaterial] });
  await page.getByTestId('clerk-nav-cases').click();
  await eventually(async () => {
    await page.getByTestId('cases-search').click({ timeout: 5000 });
    await page.getByTestId(`case-open-${id}`).click({ timeout: 2000 });
    return (await page.getByTestId('case-supplement').count()) > 0;
  }, 60_000, '补正 on the terminal');
  await expect(page.getByTestId(`case-id-${id}`)).toContainText('**********');
  await page.getByTestId(`case-reveal-${id}`).click();
  await expect(page.getByTestId(`case-id-${id}`)).not.toContainText('*');
  await shot(page, '4-supplement');
  // ---- the 补正 editor: the flagged field and material are highlighted, the reasons on top
  await page.getByTestId('case-edit-resubmit').click({ timeout: 10_000 });
  const editor = page.getByTestId('supplement-editor');
  await expect(editor.getByTestId('supplement-reasons')).toContainText('联系电话有误', { timeout: 20_000 });
  await expect(editor.getByTestId('supplement-flagged-fields')).toContainText('手机号');
  // flagged, not invalid: highlighted with 需补正 (its description), never announced as invalid
  await expect(editor.getByTestId('field-phone')).toHaveClass(/form-field--flagged/);
  await expect(editor.getByTestId('field-phone')).not.toHaveClass(/form-field--invalid/);
  await expect(editor.locator('#se-phone')).toHaveAttribute('aria-invalid', 'false');
  await expect(editor.locator('#se-phone')).toHaveAccessibleDescription(/^需补正：/);
  await expect(editor.getByTestId(`supplement-material-row-${flaggedMaterial}`)).toHaveAttribute('data-flagged', 'true');
  await expect(editor.locator('#se-phone')).toHaveValue('13800000000');
  await shot(page, '4a-supplement-flagged');
  await editor.locator('#se-phone').fill('13911112222');
  await expect(editor.getByTestId('field-phone')).not.toHaveClass(/form-field--flagged/);
  await expect(editor.getByTestId('field-phone')).not.toHaveClass(/form-field--invalid/);
  await editor.getByTestId(`supplement-origin-${flaggedMaterial}`).click();
  await page.getByRole('option', { name: '扫描件', exact: true }).filter({ visible: true }).click();
  const rescan = scannedPng();
  await editor.getByTestId(`supplement-upload-${flaggedMaterial}`).setInputFiles({ name: 'rescan.png', mimeType: 'image/png', buffer: rescan });
  await expect(editor.getByTestId(`supplement-file-${flaggedMaterial}`)).toContainText('rescan.png', { timeout: 20_000 });
  await shot(page, '4b-supplement-editor');
  await editor.getByTestId('supplement-save').click();
  await expect(page.getByTestId('case-edit-message')).toBeVisible({ timeout: 20_000 });
  await eventually(async () => ((await platform.store.getDocument('applications', id)) as ApplicationDoc).status === 'resubmitted', 60_000, 'resubmitted on the platform');
  const resubmitted = (await platform.store.getDocument('applications', id)) as ApplicationDoc;
  expect(resubmitted.formData.phone).toBe('13911112222');
  expect(resubmitted.supplement).toMatchObject({ fields: ['phone'], materials: [flaggedMaterial] });
  const rescanRef = resubmitted.materials.find((m) => m.code === flaggedMaterial)!;
  expect(rescanRef).toMatchObject({ provided: true, origin: 'scan' });
  expect(rescanRef.attachments[0]).toMatchObject({ sha256: createHash('sha256').update(rescan).digest('hex'), size: rescan.length, mimeType: 'image/png', fileName: 'rescan.png' });
  expect((await attachment(rescanRef.attachments[0]!.sha256)).equals(rescan)).toBe(true);
  // the other material and its first scan are unchanged
  expect(resubmitted.materials.find((m) => m.code === material)?.attachments[0]?.sha256).toBe(scanRef!.sha256);

  // ---- approval, 办结单
  await admin(id, 'approve', { actor: 'B001' });
  await eventually(async () => {
    await page.getByTestId('cases-search').click({ timeout: 5000 });
    await page.getByTestId(`case-open-${id}`).click({ timeout: 2000 });
    return (await page.getByTestId('case-completion-slip').count()) > 0;
  }, 60_000, 'approval on the terminal');
  await drawSignature(page, 'case-slip-signature');
  await page.getByTestId('case-completion-slip').click({ timeout: 10_000 });
  await expect(page.getByTestId('case-slip-message')).toBeVisible({ timeout: 20_000 });
  await shot(page, '5-completion');

  // ---- daily summary (field mode): CSV download and PDF
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('summary-csv').click()]);
  const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
  expect(csv).toContain('YB01');
  expect(csv).not.toMatch(/\d{17}[\dX]/);
  await page.getByTestId('summary-pdf').click();
  await expect(page.getByTestId('summary-message')).toContainText('.pdf', { timeout: 20_000 });

  // ---- no personal data in the terminal's logs (resident name and ID number, staff PIN)
  const { readdirSync, readFileSync, existsSync } = await import('node:fs');
  const logs = join(host.dataDir, 'logs');
  const text = (existsSync(logs) ? readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('\n') : '') + host.output();
  expect(text).toContain('staff.login');
  expect(text).not.toContain(onPlatform.applicant?.name ?? '王建国');
  expect(text).not.toMatch(/\d{17}[\dX]/);
  expect(text).not.toContain(DEMO_ASSISTANT.pin);
});
