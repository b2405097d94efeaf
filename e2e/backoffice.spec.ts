/**
 * The province's back office (/admin, sync/server/backoffice + backoffice/) in Debian Chromium,
 * against the reference platform with a station's counter terminal (browser host) enrolled:
 *
 * - An application is filed at the station's self-service kiosk through the terminal protocol (an
 *   enrolled terminal uploads a real PNG scan and a real PDF 委托书, then pushes the submission with
 *   channel `kiosk`; the kiosk UI itself receives no files, see renderer/kiosk/pages/KioskSubmitted.vue).
 * - Officer 张受理 (受理员 + 管理员) signs in, finds it in the work queue (filters: station, service,
 *   status), opens it, views the attachments inline (the PNG decoded in an <img>, the PDF framed with
 *   its content type), accepts it (受理号), and asks for 补正 by ticking one form field and one
 *   material of the application's own lists.
 * - Officer 赵受理 (受理员 only) sees no 批准 button and, calling the server directly with his session,
 *   is refused with HTTP 403; the status does not move; the refusal is in the audit log with his id.
 * - The counter terminal's 补正 editor shows the flagged field and material.
 * - 管理员 creates an enrollment code and revokes the kiosk terminal (its token is refused at once).
 * - Every back-office screen: screenshot in test-results/screens/backoffice-*.png, axe 0
 *   serious/critical, no CSP violation or script error in the console.
 */
import { deflateSync, crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { exampleApplication, paths, stationDate, type ApplicationDoc } from '../sync/protocol';
import { enroll, type Client } from '../sync/server/test/helpers';
import { startStation, STATION, type Station } from './station';
import { ROOT } from './host';
import { seriousViolations, signIn } from './clerk-helpers';
import { createOfficer } from './officers';

const SCREENS = join(ROOT, 'test-results', 'screens');
const PASSWORD = 'Backoffice-2026';
let station: Station;

/** A real 120×80 RGB PNG (a gradient), so the page can decode it. */
function png(): Buffer {
  const w = 120;
  const h = 80;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([x * 2, y * 3, 160], y * (w * 3 + 1) + 1 + x * 3);
  const chunk = (type: string, data: Buffer) => {
    const t = Buffer.from(type, 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([t, data])));
    return Buffer.concat([len, t, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function letterPdf(id: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('Letter of authorization (test)', { x: 60, y: 760, size: 20, font });
  page.drawText(`Application ${id}`, { x: 60, y: 720, size: 12, font });
  return Buffer.from(await doc.save());
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function upload(t: Client, bytes: Buffer): Promise<void> {
  const r = await fetch(station.platform.url + paths.attachment(sha(bytes)), { method: 'PUT', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
  expect(r.status, await r.clone().text()).toBe(201);
}

/** Collects console errors (CSP violations among them) and page errors. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `backoffice-${name}.png`), fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
}

async function signInOfficer(page: Page, login: string): Promise<void> {
  await page.goto(`${station.platform.url}/admin/`);
  await expect(page.getByTestId('bo-login')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('bo-login').fill(login);
  await page.getByTestId('bo-password').fill(PASSWORD);
  await page.getByTestId('bo-signin').click();
  await expect(page.getByTestId('bo-queue')).toBeVisible({ timeout: 20_000 });
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  station = await startStation('clerk', '南新乡便民服务中心');
  await createOfficer(station.platform, { id: 'zhang', name: '张受理', roles: ['acceptor', 'admin'], password: PASSWORD });
  await createOfficer(station.platform, { id: 'zhao', name: '赵受理', roles: ['acceptor'], password: PASSWORD });
});
test.afterAll(async () => {
  await station?.stop();
});

test('officer finds a kiosk application, views its files, flags 补正 by picking; an acceptor cannot approve (403); the terminal shows the flags', async ({ page, browser }) => {
  test.setTimeout(480_000);
  const { platform } = station;
  const errors = watchConsole(page);

  // ---- filed at the station's kiosk (terminal protocol: attachments first, then the submission)
  const kiosk = await enroll(platform, STATION);
  const scan = png();
  const now = new Date().toISOString();
  const draft = exampleApplication({ channel: 'kiosk', terminalId: kiosk.terminalId });
  const letter = await letterPdf(draft.id);
  await upload(kiosk, scan);
  await upload(kiosk, letter);
  const submitted: ApplicationDoc = {
    ...draft,
    status: 'submitted',
    submittedAt: now,
    agent: { kind: 'relative', name: '王小明', relation: '子女' },
    authorization: { scope: ['submit', 'collect_result'], reason: '年老行动不便', validFrom: stationDate(now), validUntil: null, subDelegation: false, letterSha256: sha(letter), signedAt: now },
    materials: [
      { code: 'MZ06-M01', name: '户口簿', provided: true, origin: 'scan', attachments: [{ sha256: sha(scan), size: scan.length, mimeType: 'image/png', fileName: '户口簿.png' }] },
      { code: 'MZ06-M02', name: '第二代身份证复印件', provided: false, origin: 'paper', attachments: [] },
    ],
    statusHistory: [...draft.statusHistory, { status: 'submitted', at: now, by: 'terminal' }],
  };
  const pushed = await kiosk.push('applications', [{ assumedMasterState: null, newDocumentState: submitted }]);
  expect(pushed.rejections).toEqual([]);
  const id = submitted.id;
  expect(((await platform.store.getDocument('applications', id)) as ApplicationDoc).status).toBe('synced');
  // another station's application, so the filters have something to leave out
  await platform.store.upsertAsPlatform('applications', [exampleApplication({ stationId: '360121100', status: 'synced', submittedAt: now })]);

  // ---- the counter terminal is signed in (it will show the 补正 later)
  const counter = await browser.newPage();
  await counter.goto(station.host.url);
  await signIn(counter);

  // ---- 张受理 signs in (a wrong password first: Chinese message), finds the application
  await page.goto(`${platform.url}/admin/`);
  await expect(page.getByTestId('bo-login')).toBeVisible({ timeout: 30_000 });
  await shot(page, '1-sign-in');
  await page.getByTestId('bo-login').fill('zhang');
  await page.getByTestId('bo-password').fill('wrong-password-1');
  await page.getByTestId('bo-signin').click();
  await expect(page.getByTestId('bo-signin-error')).toHaveText('账号或密码不正确');
  // the browser logs the refused sign-in (401) itself; that one is expected
  expect(errors).toEqual([expect.stringContaining('401')]);
  errors.length = 0;
  await page.getByTestId('bo-password').fill(PASSWORD);
  await page.getByTestId('bo-signin').click();
  await expect(page.getByTestId('bo-officer')).toContainText('张受理（受理员、管理员）');
  await expect(page.getByTestId(`bo-open-${id}`)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('bo-queue-total')).toHaveText('共 2 件');
  // the session is an httpOnly cookie: the page's script cannot read it
  expect(await page.evaluate(() => document.cookie)).toBe('');
  // filters: station, service, status (Chinese labels)
  await page.getByTestId('bo-filter-station').click();
  await page.getByRole('option', { name: '南新乡便民服务中心（360121201）' }).click();
  await page.getByTestId('bo-filter-service').click();
  await page.getByRole('option', { name: /^MZ06 / }).click();
  await page.getByTestId('bo-filter-status').click();
  await page.getByRole('option', { name: '已上传', exact: true }).click();
  await page.getByTestId('bo-search').click();
  await expect(page.getByTestId('bo-queue-total')).toHaveText('共 1 件');
  await expect(page.getByTestId(`bo-row-status-${id}`)).toHaveText('已上传');
  await page.keyboard.press('Escape');
  await shot(page, '2-queue');

  // ---- the full view: form with Chinese labels, the PNG decoded inline, the PDF framed, the 委托书, the timeline
  const pdfResponse = page.waitForResponse((r) => r.url().endsWith(`/files/${sha(letter)}`));
  await page.getByTestId(`bo-open-${id}`).click();
  await expect(page.getByTestId('bo-app-status')).toHaveText('已上传');
  await expect(page.getByTestId('bo-form')).toContainText('手机号');
  const img = page.getByTestId(`bo-file-${sha(scan)}`).locator('img');
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBe(120);
  const pdf = await pdfResponse;
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect(pdf.headers()['content-disposition']).toMatch(/^inline;/);
  // the bytes as the officer's session reads them (the frame's own body goes to the PDF viewer)
  const bytes = await page.request.get(pdf.url());
  expect(Buffer.from(await bytes.body()).equals(letter)).toBe(true);
  await expect(page.getByTestId('bo-letter-pdf')).toBeVisible();
  await expect(page.getByTestId('bo-letter')).toContainText('代为申请、代领结果');
  await expect(page.getByTestId('bo-timeline')).toContainText('已提交');
  await shot(page, '3-application');
  // Chromium's PDF viewer opened the 委托书 in the frame (a full-page screenshot does not paint it: a viewport one does)
  await page.getByTestId('bo-letter-pdf').scrollIntoViewIfNeeded();
  await expect.poll(() => page.frames().some((f) => f.url().startsWith('chrome-extension://')), { timeout: 20_000 }).toBe(true);
  await page.waitForTimeout(1500); // the viewer paints its page a moment after it opens (screenshot only)
  await page.screenshot({ path: join(SCREENS, 'backoffice-3b-letter-pdf.png') });

  // ---- 受理 with an opinion
  await page.getByTestId('bo-action-accept').click();
  await page.getByTestId('bo-action-confirm').click();
  await expect(page.getByTestId('bo-action-error')).toHaveText('请填写办理意见');
  await page.getByTestId('bo-opinion').fill('材料齐全，予以受理');
  await shot(page, '4-accept-dialog');
  await page.getByTestId('bo-action-confirm').click();
  await expect(page.getByTestId('bo-app-status')).toHaveText('已受理');
  await expect(page.getByTestId('bo-app-acceptance')).toHaveText(/^360121201-\d{8}-\d{4}$/);

  // ---- 赵受理 (no approval role): no 批准 button, and the server refuses the call itself
  const zhaoContext = await (browser as Browser).newContext({ locale: 'zh-CN' });
  const zhao = await zhaoContext.newPage();
  const zhaoErrors = watchConsole(zhao);
  await signInOfficer(zhao, 'zhao');
  await zhao.getByTestId(`bo-open-${id}`).click();
  await expect(zhao.getByTestId('bo-app-status')).toHaveText('已受理');
  await expect(zhao.getByTestId('bo-action-supplement')).toBeVisible();
  await expect(zhao.getByTestId('bo-action-approve')).toHaveCount(0);
  await expect(zhao.getByTestId('bo-nav-officers')).toHaveCount(0);
  const refused = await zhao.request.post(`${platform.url}/api/v1/backoffice/applications/${id}/actions/approve`, { data: { opinion: '同意' }, headers: { origin: platform.url } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()) as unknown).toMatchObject({ error: { code: 'FORBIDDEN' } });
  expect((await zhao.request.get(`${platform.url}/api/v1/backoffice/officers`)).status()).toBe(403);
  expect(((await platform.store.getDocument('applications', id)) as ApplicationDoc).status).toBe('accepted');
  await shot(zhao, '5-acceptor-view');
  expect(zhaoErrors).toEqual([]);
  await zhaoContext.close();

  // ---- 补正: one form field and one material, picked from the application's own lists
  await page.getByTestId('bo-action-supplement').click();
  await page.getByTestId('bo-reasons').fill('联系电话有误\n请补交第二代身份证复印件');
  await page.getByTestId('bo-pick-field-phone').click();
  await page.getByTestId('bo-pick-material-MZ06-M02').click();
  await page.getByTestId('bo-opinion').fill('请按要求补正后重新提交');
  await shot(page, '6-supplement-dialog');
  await page.getByTestId('bo-action-confirm').click();
  await expect(page.getByTestId('bo-app-status')).toHaveText('需补正');
  await expect(page.getByTestId('bo-supplement')).toContainText('需补正的表单项：手机号');
  await expect(page.getByTestId('bo-supplement')).toContainText('需补正的材料：第二代身份证复印件');
  const onPlatform = (await platform.store.getDocument('applications', id)) as ApplicationDoc;
  expect(onPlatform.supplement).toMatchObject({ fields: ['phone'], materials: ['MZ06-M02'], reasons: ['联系电话有误', '请补交第二代身份证复印件'] });
  expect(onPlatform.statusHistory.at(-1)).toMatchObject({ status: 'supplement_required', by: 'platform', actor: 'zhang' });
  await shot(page, '7-supplement-requested');

  // ---- the other screens: dashboard (real counts), stations/terminals, officers, audit (zhao's refusal with his id)
  await page.getByTestId('bo-nav-dashboard').click();
  await expect(page.getByTestId('bo-dash-total')).toHaveText('2');
  await expect(page.getByTestId('bo-dash-stations')).toContainText('莲塘镇便民服务中心');
  await expect(page.getByTestId('bo-dash-stations')).toContainText('南新乡便民服务中心');
  await shot(page, '8-dashboard');
  await page.getByTestId('bo-nav-stations').click();
  await expect(page.getByTestId('bo-terminals')).toContainText(kiosk.terminalId);
  await expect(page.getByTestId('bo-duplicate-hubs')).toHaveCount(0);
  // an enrollment code for the other station (shown once), then the kiosk terminal revoked: its token is dead
  await page.getByTestId('bo-enroll-station').click();
  await page.getByRole('option', { name: '莲塘镇便民服务中心（360121100）' }).click();
  await page.getByTestId('bo-enroll-create').click();
  await expect(page.getByTestId('bo-enroll-code')).toContainText(/注册码 [0-9A-Z]{5}-[0-9A-Z]{5}，/);
  await page.getByTestId(`bo-revoke-${kiosk.terminalId}`).click();
  await page.locator('.el-popconfirm').getByRole('button', { name: '停用' }).click();
  await expect(page.getByTestId('bo-terminals')).toContainText('已停用');
  expect((await kiosk.req('GET', '/api/v1/terminals/me')).status).toBe(401);
  await shot(page, '9-stations');
  // Two station hubs of one station, enrolled before the province refused a second: the page warns
  // (two queues in one hall) until one is revoked.
  for (const hubId of ['T-e2e-hub-1', 'T-e2e-hub-2']) {
    await platform.store.db.query("INSERT INTO terminals (id, station_id, token_hash, label, kind) VALUES ($1, '360121100', $2, '站点服务器', 'station_hub')", [hubId, `e2e-${hubId}`]);
  }
  await page.getByTestId('bo-nav-dashboard').click();
  await expect(page.getByTestId('bo-dash-total')).toBeVisible();
  await page.getByTestId('bo-nav-stations').click();
  await expect(page.getByTestId('bo-duplicate-hubs')).toContainText('莲塘镇便民服务中心（360121100）有 2 台');
  await shot(page, '9a-duplicate-hubs');
  await page.getByTestId('bo-revoke-T-e2e-hub-1').click();
  await page.locator('.el-popconfirm').getByRole('button', { name: '停用' }).click();
  await expect(page.getByTestId('bo-duplicate-hubs')).toHaveCount(0);
  await expect(page.getByTestId('bo-terminals').getByRole('row', { name: /T-e2e-hub-1/ })).toContainText('已停用');
  await page.getByTestId('bo-nav-officers').click();
  await expect(page.getByTestId('bo-officer-table')).toContainText('赵受理');
  await shot(page, '10-officers');
  await page.getByTestId('bo-nav-audit').click();
  await expect(page.getByTestId('bo-audit-table')).toContainText('zhang');
  await page.getByTestId('bo-audit-officer').fill('zhao');
  await page.getByTestId('bo-audit-officer').press('Enter');
  await expect(page.getByTestId('bo-audit-table')).not.toContainText('zhang');
  await expect(page.getByTestId('bo-audit-table')).toContainText('批准');
  await expect(page.getByTestId('bo-audit-table')).toContainText('拒绝');
  await shot(page, '11-audit');
  expect(errors).toEqual([]);

  // ---- the counter terminal's 补正 editor shows the flagged field and material
  await counter.getByTestId('clerk-nav-cases').click();
  await expect
    .poll(
      async () => {
        await counter.getByTestId('cases-search').click({ timeout: 5000 });
        await counter.getByTestId(`case-open-${id}`).click({ timeout: 2000 });
        return counter.getByTestId('case-edit-resubmit').count();
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBeGreaterThan(0);
  await counter.getByTestId('case-edit-resubmit').click();
  const editor = counter.getByTestId('supplement-editor');
  await expect(editor.getByTestId('supplement-reasons')).toContainText('联系电话有误', { timeout: 20_000 });
  await expect(editor.getByTestId('supplement-flagged-fields')).toContainText('手机号');
  await expect(editor.getByTestId('field-phone')).toHaveClass(/form-field--flagged/);
  await expect(editor.getByTestId('supplement-material-row-MZ06-M02')).toHaveAttribute('data-flagged', 'true');
  await expect(editor.getByTestId('supplement-material-row-MZ06-M01')).not.toHaveAttribute('data-flagged', 'true');
  mkdirSync(SCREENS, { recursive: true });
  await counter.screenshot({ path: join(SCREENS, 'backoffice-12-terminal-supplement-editor.png'), fullPage: true });
});
