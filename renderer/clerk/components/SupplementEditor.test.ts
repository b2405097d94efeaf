// @vitest-environment happy-dom
/**
 * The 补正 editor and the shared materials checklist in a DOM, with Element Plus, the real i18n
 * messages and a real (memory) RxDB store; the bridge (main) and the audit log are faked at their
 * boundary. Covers the 补正 flags, validation before saving, attachments, resubmission, the audit
 * details (keys, never values), the FORM_INVALID correction through the quarantine, and garbage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import ElementPlus from 'element-plus';
import { exampleApplication, type ApplicationDoc } from '../../../sync/protocol';
import type { TerminalBridge } from '../../../preload/contract';
import { i18n } from '../../i18n';
import type { TerminalDatabase } from '../../db/database';
import { memoryDb } from '../../db/test-helpers';
import { toLocal } from '../../db/modifiers';
import { quarantine, quarantineKey } from '../../db/quarantine';
import type { ApplicationLocal } from '../../db/schemas';
import SupplementEditor from './SupplementEditor.vue';
import { form, formData, ID, item, materials, T } from '../cases/supplement-test-data';

const hoisted = vi.hoisted(() => ({ db: null as unknown, audits: [] as { action: string; details?: Record<string, unknown> }[] }));
vi.mock('../terminal-store', () => ({ clerkStore: async () => ({ db: hoisted.db, idHashSalt: 'a'.repeat(64) }) }));
vi.mock('../../audit/service', () => ({
  audit: async (e: { action: string; details?: Record<string, unknown> }) => {
    hoisted.audits.push(e);
    return null;
  },
}));

const SCAN_SHA = 'b'.repeat(64);

let db: TerminalDatabase;
let app: App | null = null;
let root: HTMLElement;
let puts: { mimeType: string; fileName: string }[] = [];
let putAnswer: 'ok' | 'invalid' = 'ok';

function fakeBridge(): TerminalBridge {
  return {
    kind: 'browser',
    async invoke(name, input) {
      if (name === 'attachments.put') {
        const i = input as { mimeType: string; fileName: string; bytes: string };
        puts.push({ mimeType: i.mimeType, fileName: i.fileName });
        if (putAnswer === 'invalid') return { ok: false, error: { code: 'INVALID_INPUT', message: 'magic bytes do not match' } };
        return { ok: true, value: { sha256: SCAN_SHA, size: 60, mimeType: i.mimeType, fileName: i.fileName } };
      }
      return { ok: false, error: { code: 'UNKNOWN_CALL', message: name } };
    },
    on: () => () => undefined,
  };
}

beforeEach(async () => {
  setActivePinia(createPinia());
  db = await memoryDb();
  hoisted.db = db;
  hoisted.audits.length = 0;
  puts = [];
  putAnswer = 'ok';
  await db.service_items.insert(item as never);
  await db.form_schemas.insert(form as never);
  (window as { terminal?: TerminalBridge }).terminal = fakeBridge();
});
afterEach(async () => {
  app?.unmount();
  app = null;
  root?.remove();
  await db.close();
  delete (window as { terminal?: TerminalBridge }).terminal;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await nextTick();
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await settle();
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function addApp(over: Partial<ApplicationDoc>): Promise<ApplicationDoc> {
  const doc = exampleApplication({ serviceItemCode: 'BZ01', formId: 'BZ01', formVersion: 1, formData, materials, ...over });
  await db.applications.insert(toLocal('applications', doc) as never);
  return doc;
}

async function mount(applicationId: string, mode: 'supplement' | 'form_invalid') {
  const done: ApplicationLocal[] = [];
  let cancelled = 0;
  root = document.createElement('div');
  document.body.appendChild(root);
  app = createApp({ render: () => h(SupplementEditor, { applicationId, mode, onDone: (a: ApplicationLocal) => done.push(a), onCancel: () => cancelled++ }) });
  app.use(ElementPlus).use(i18n).mount(root);
  await until(() => !!root.querySelector('[data-testid="supplement-save"]:not([disabled])') || !!root.querySelector('[data-testid="supplement-message"]'), 'the editor to load');
  return { done, cancelled: () => cancelled };
}

const $ = (testid: string) => root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const input = (key: string) => root.querySelector<HTMLInputElement>(`#se-${key}`)!;
function type(key: string, value: string): void {
  const el = input(key);
  el.value = value;
  el.dispatchEvent(new Event('input'));
}
async function choose(testid: string, files: File[]): Promise<void> {
  const el = root.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)!;
  Object.defineProperty(el, 'files', { value: files, configurable: true });
  el.dispatchEvent(new Event('change'));
  await settle();
}
const png = (name = 'scan.png', size = 60) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array(size - 8)], name, { type: 'image/png' });
const stored = async (id: string) => (await db.applications.findOne(id).exec())!.toMutableJSON();

describe('补正 editor (supplement_required)', () => {
  it('shows the reasons and flags, validates before saving, attaches a scan, resubmits and audits keys only', async () => {
    const doc = await addApp({
      status: 'supplement_required',
      supplement: { reasons: ['银行账号有误', '户口簿扫描件不清晰'], requestedAt: T, dueDate: '2026-12-31', fields: ['bankAccount'], materials: ['BZ01-M01'] },
    });
    const { done } = await mount(doc.id, 'supplement');
    expect($('supplement-reasons')!.textContent).toContain('截止 2026-12-31');
    expect($('supplement-reasons')!.textContent).toContain('户口簿扫描件不清晰');
    expect($('supplement-flagged-fields')!.textContent).toContain('社保卡或银行账号');
    expect($('supplement-flagged-materials')!.textContent).toContain('户口簿');
    // the flagged field is highlighted with why, but it is not invalid (its value is fine); others are plain
    expect($('field-bankAccount')!.classList.contains('form-field--flagged')).toBe(true);
    expect($('field-bankAccount')!.classList.contains('form-field--invalid')).toBe(false);
    expect(input('bankAccount').getAttribute('aria-invalid')).toBe('false');
    expect(root.querySelector(`#${input('bankAccount').getAttribute('aria-describedby')}`)!.textContent).toBe('需补正：平台在补正通知中标出了此项');
    expect(root.querySelectorAll('[role="alert"]')).toHaveLength(0);
    expect($('field-phone')!.classList.contains('form-field--flagged')).toBe(false);
    expect($('field-phone')!.classList.contains('form-field--invalid')).toBe(false);
    // data from the decrypted application; the ID number stays masked and read-only (not flagged)
    expect(input('bankAccount').value).toBe('6217000000000000001');
    expect(input('idNumber').readOnly).toBe(true);
    expect(input('idNumber').value).not.toContain(ID.slice(6, 14));
    // locked, but nobody read a card here: it must not claim 已从身份证读取
    expect(root.querySelector('label[for="se-idNumber"]')!.textContent).not.toContain('已从身份证读取');
    expect(root.querySelector('[data-testid="from-card"]')).toBeNull();
    expect($('supplement-material-row-BZ01-M01')!.dataset.flagged).toBe('true');
    expect($('supplement-material-row-BZ01-M02')!.dataset.flagged).toBeUndefined();

    // garbage in the flagged field: refused by the shared validator, nothing saved
    type('bankAccount', '62-17 abc');
    await settle();
    $('supplement-save')!.click();
    await settle();
    expect($('supplement-message')!.textContent).toContain('表单有 1 处需要修改');
    expect($('field-bankAccount')!.textContent).toContain('社保卡或银行账号');
    // now it is invalid (a real validation error); the flag went with the change
    expect(input('bankAccount').getAttribute('aria-invalid')).toBe('true');
    expect($('field-bankAccount')!.classList.contains('form-field--flagged')).toBe(false);
    expect((await stored(doc.id)).status).toBe('supplement_required');
    expect(done).toHaveLength(0);

    type('bankAccount', '6217000000000000999');
    await settle();
    expect($('field-bankAccount')!.classList.contains('form-field--invalid')).toBe(false);
    await choose('supplement-upload-BZ01-M01', [png('户口簿.png')]);
    await until(() => !!$('supplement-file-BZ01-M01'), 'the attached scan');
    expect($('supplement-file-BZ01-M01')!.textContent).toContain('户口簿.png');
    expect(puts).toEqual([{ mimeType: 'image/png', fileName: '户口簿.png' }]);

    $('supplement-save')!.click();
    await until(() => done.length === 1, 'the resubmission');
    const after = await stored(doc.id);
    expect(after.status).toBe('resubmitted');
    expect(after.statusHistory.at(-1)).toMatchObject({ status: 'resubmitted', by: 'terminal' });
    expect(after.formData).toEqual({ ...formData, bankAccount: '6217000000000000999' });
    expect(after.materials.find((m) => m.code === 'BZ01-M01')!.attachments).toEqual([{ sha256: SCAN_SHA, size: 60, mimeType: 'image/png', fileName: '户口簿.png' }]);
    expect(after.materials.find((m) => m.code === 'BZ01-M02')).toEqual(materials[1]);
    expect(after.supplement).toEqual(doc.supplement); // platform-owned: untouched
    const resubmit = hoisted.audits.find((a) => a.action === 'application.resubmit')!;
    expect(resubmit.details).toEqual({ edited: true, fields: 'bankAccount', materials: 'BZ01-M01' });
    expect(JSON.stringify(hoisted.audits)).not.toContain('6217000000000000999');
    expect(hoisted.audits.map((a) => a.action)).toContain('material.attach');
  });

  it('without flags and without changes saves as a plain resubmission; cancel emits cancel', async () => {
    const doc = await addApp({ status: 'supplement_required', supplement: { reasons: ['请补充说明'], requestedAt: T, dueDate: null } });
    const first = await mount(doc.id, 'supplement');
    expect($('supplement-flagged-fields')).toBeNull();
    expect($('supplement-reasons')!.textContent).toContain('未设截止日期');
    expect(root.querySelectorAll('.form-field--invalid, .form-field--flagged')).toHaveLength(0);
    $('supplement-cancel')!.click();
    await settle();
    expect(first.cancelled()).toBe(1);
    $('supplement-save')!.click();
    await until(() => first.done.length === 1, 'the resubmission');
    const after = await stored(doc.id);
    expect(after.status).toBe('resubmitted');
    expect(after.materials).toEqual(materials);
    expect(hoisted.audits.find((a) => a.action === 'application.resubmit')!.details).toEqual({ edited: true, fields: '', materials: '' });
  });

  it('garbage: wrong file types, oversized files, files main refuses, hostile names, unknown flags, a missing form', async () => {
    const doc = await addApp({ status: 'supplement_required', supplement: { reasons: ['x'], requestedAt: T, dueDate: null, fields: ['nope.0.deep'], materials: ['NOT-A-MATERIAL'] } });
    await mount(doc.id, 'supplement');
    // a flag the form does not know is listed by its path, and nothing breaks
    expect($('supplement-flagged-fields')!.textContent).toContain('nope.0.deep');
    expect($('supplement-flagged-materials')!.textContent).toContain('NOT-A-MATERIAL');
    await choose('supplement-upload-BZ01-M01', [new File(['#!/bin/sh'], 'run.sh', { type: 'text/x-sh' })]);
    expect($('supplement-file-message-BZ01-M01')!.textContent).toContain('run.sh');
    await choose('supplement-upload-BZ01-M01', [png('big.png', 10 * 1024 * 1024 + 1)]);
    expect($('supplement-file-message-BZ01-M01')!.textContent).toContain('big.png');
    expect(puts).toEqual([]);
    putAnswer = 'invalid';
    await choose('supplement-upload-BZ01-M01', [png('../../etc/\u0007passwd.png')]);
    await until(() => puts.length === 1, 'the refused put');
    expect(puts[0]!.fileName).toBe('.._.._etc__passwd.png');
    await until(() => /与类型不符/.test($('supplement-file-message-BZ01-M01')?.textContent ?? ''), 'the refusal message');
    expect($('supplement-file-BZ01-M01')).toBeNull();
    // an empty required field and a hostile value are both refused before anything is written
    type('applicantName', '');
    await settle();
    type('phone', '<script>alert(1)</script>');
    await settle();
    $('supplement-save')!.click();
    await settle();
    expect($('supplement-message')!.textContent).toContain('2 处');
    expect((await stored(doc.id)).formData).toEqual(formData);
    // the required material unticked → refused with its name
    app!.unmount();
    root.remove();
    const other = await addApp({ status: 'supplement_required', supplement: { reasons: ['x'], requestedAt: T, dueDate: null }, materials: [{ ...materials[0]!, provided: false }, materials[1]!] });
    await mount(other.id, 'supplement');
    $('supplement-save')!.click();
    await settle();
    expect($('supplement-message')!.textContent).toContain('户口簿');
    expect((await stored(other.id)).status).toBe('supplement_required');
    // no form on this terminal: said so, nothing to save
    app!.unmount();
    root.remove();
    const noForm = await addApp({ formId: 'ZZ99', status: 'supplement_required', supplement: { reasons: ['x'], requestedAt: T, dueDate: null } });
    await mount(noForm.id, 'supplement');
    expect($('supplement-message')!.textContent).toContain('ZZ99@1');
    expect($('supplement-save')!.hasAttribute('disabled') || $('supplement-save')!.classList.contains('is-disabled')).toBe(true);
  });
});

describe('FORM_INVALID correction', () => {
  it('flags the refused fields, refuses an unchanged form, and sends the correction through the quarantine', async () => {
    const doc = await addApp({ status: 'submitted', submittedAt: T, formData: { ...formData, bankAccount: '12' } });
    // the reason and fields as the transport and the bridge deliver them (sync/client/transport.ts)
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: '表单内容有1处不符合要求：社保卡或银行账号格式不正确。请核对修改后重新提交。（字段：bankAccount）', fields: [{ path: 'bankAccount', keyword: 'pattern' }], doc });
    const { done } = await mount(doc.id, 'form_invalid');
    expect($('supplement-reasons')!.textContent).toContain('表单内容有 1 处不符合要求');
    expect($('supplement-refusal-text')!.textContent).toBe('表单内容有1处不符合要求：社保卡或银行账号格式不正确。请核对修改后重新提交。');
    expect($('supplement-flagged-fields')!.textContent).toContain('社保卡或银行账号');
    // the validator finds the refused field wrong too: a real error (its own Chinese message), and flagged
    expect($('field-bankAccount')!.textContent).toContain('社保卡或银行账号');
    expect($('field-bankAccount')!.classList.contains('form-field--invalid')).toBe(true);
    expect(input('bankAccount').getAttribute('aria-invalid')).toBe('true');
    expect($('flag-bankAccount')!.textContent).toBe('需补正：平台认为此项不符合要求');
    expect(input('bankAccount').getAttribute('aria-describedby')!.split(' ')).toEqual(['se-bankAccount-flag', 'se-bankAccount-err']);
    expect($('field-phone')!.classList.contains('form-field--flagged')).toBe(false);
    $('supplement-save')!.click();
    await settle();
    expect($('supplement-message')!.textContent).toMatch(/格式|不符合|请/);
    type('bankAccount', '6217000000000000123');
    await settle();
    $('supplement-save')!.click();
    await until(() => done.length === 1, 'the correction');
    const after = await stored(doc.id);
    expect(after.formData.bankAccount).toBe('6217000000000000123');
    expect(after.status).toBe('submitted');
    const q = (await db.sync_quarantine.findOne(quarantineKey('applications', doc.id)).exec())!;
    expect(q.state).toBe('retrying');
    expect((q.doc as ApplicationDoc).formData.bankAccount).toBe('6217000000000000123');
    expect(hoisted.audits.find((a) => a.action === 'application.correct')!.details).toEqual({ edited: true, fields: 'bankAccount', materials: '' });
  });

  it('an unchanged but locally valid form is not sent again (the platform would refuse it again)', async () => {
    const doc = await addApp({ status: 'submitted', submittedAt: T });
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: 'formData does not match BZ01@1: 1 field(s) do not match the form: phone (pattern)', fields: [{ path: 'phone', keyword: 'pattern' }], doc });
    await mount(doc.id, 'form_invalid');
    expect($('supplement-refusal-text')).toBeNull(); // English only: our words, not the log line
    // flagged, not invalid: our validator finds the value fine
    expect($('field-phone')!.textContent).toContain('需补正：平台认为此项不符合要求');
    expect($('field-phone')!.classList.contains('form-field--invalid')).toBe(false);
    expect(input('phone').getAttribute('aria-invalid')).toBe('false');
    $('supplement-save')!.click();
    await settle();
    expect($('supplement-message')!.textContent).toContain('平台会再次退回');
    expect((await db.sync_quarantine.findOne(quarantineKey('applications', doc.id)).exec())!.state).toBe('open');
  });

  it('uses the stored fields, never the reason text: a field list in the text without stored fields flags nothing', async () => {
    const doc = await addApp({ status: 'submitted', submittedAt: T, formData: { ...formData, bankAccount: '12' } });
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: '表单内容有1处不符合要求。（字段：bankAccount、phone）', fields: [{ path: '<img src=x>', keyword: 'pattern' }, 'phone'], doc });
    await mount(doc.id, 'form_invalid');
    expect($('supplement-reasons')!.textContent).toContain('表单内容不符合要求，请核对表单后重新发送');
    expect($('supplement-refusal-text')!.textContent).toBe('表单内容有1处不符合要求。');
    expect($('supplement-flagged-fields')).toBeNull();
    expect(root.querySelectorAll('.form-field--flagged, .form-field--invalid')).toHaveLength(0);
    expect(root.querySelector('img')).toBeNull();
  });
});
