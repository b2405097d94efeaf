// @vitest-environment happy-dom
// The materials checklist: state ⇄ application `materials[]`, and the shared component as 新建代办 mounts it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, ref, type App } from 'vue';
import { createPinia } from 'pinia';
import ElementPlus from 'element-plus';
import type { ApplicationDoc, MaterialRequirement } from '../../sync/protocol';
import { applicationDoc, exampleApplication } from '../../sync/protocol';
import { i18n, setLocale } from '../i18n';
import { cleanName, initialMaterials, materialsOut, missingRequired, type MaterialsState } from './materials';
import MaterialsChecklist from './components/MaterialsChecklist.vue';

const items: MaterialRequirement[] = [
  { code: 'M1', name: '户口簿', required: true, originals: 1, copies: 0 },
  { code: 'M2', name: '身份证复印件', required: true, originals: 0, copies: 1 },
  { code: 'M3', name: '出生医学证明', required: false, originals: 1, copies: 1 },
  { code: 'M4', name: '电子证照', required: false, originals: 0, copies: 0 },
];
const sha = (c: string) => c.repeat(64);

describe('materials state', () => {
  it('starts unticked (原件 where originals are asked for, else 复印件)', () => {
    const s = initialMaterials(items);
    expect(Object.values(s).map((m) => [m.provided, m.origin])).toEqual([[false, 'paper_original'], [false, 'paper_copy'], [false, 'paper_original'], [false, 'paper_copy']]);
    expect(missingRequired(items, s)).toEqual(['户口簿', '身份证复印件']);
  });

  it('round-trips what an application says: the editor shows it as it was and saves it unchanged', () => {
    const existing: ApplicationDoc['materials'] = [
      { code: 'M1', name: '户口簿', provided: true, origin: 'paper', attachments: [], note: '原件' },
      { code: 'M2', name: '身份证复印件', provided: true, origin: 'paper', attachments: [], note: '复印件' },
      { code: 'M3', name: '出生医学证明', provided: true, origin: 'scan', attachments: [{ sha256: sha('a'), size: 10, mimeType: 'image/png', fileName: 'a.png' }], note: '扫描件' },
      { code: 'M4', name: '电子证照', provided: true, origin: 'e_license', attachments: [], note: '电子证照' },
    ];
    const out = materialsOut(items, initialMaterials(items, existing));
    expect(out).toEqual(existing);
    // the notes are data in the station's language, whatever the screen's
    setLocale('en-US');
    try {
      expect(materialsOut(items, initialMaterials(items, existing))).toEqual(existing);
    } finally {
      setLocale('zh-CN');
    }
    expect(applicationDoc.safeParse(exampleApplication({ materials: out })).success).toBe(true);
  });

  it('garbage in what an application says: unknown codes are dropped, odd notes read as 原件, files only for scans/uploads, at most 20', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ sha256: sha(i.toString(16).slice(-1)), size: i, mimeType: 'image/png' }));
    const existing = [
      { code: 'EVIL<script>', name: 'x', provided: true, origin: 'scan', attachments: [], note: '' },
      { code: 'M1', name: '户口簿', provided: true, origin: 'paper', attachments: many, note: '¿' },
      { code: 'M3', name: '出生医学证明', provided: true, origin: 'upload', attachments: many, note: '' },
    ] as ApplicationDoc['materials'];
    const s = initialMaterials(items, existing);
    expect(Object.keys(s)).toEqual(['M1', 'M2', 'M3', 'M4']);
    const out = materialsOut(items, s);
    expect(out[0]).toMatchObject({ code: 'M1', origin: 'paper', note: '原件', attachments: [] });
    expect(out[2]!.attachments).toHaveLength(20);
    expect(out.map((m) => m.code)).not.toContain('EVIL<script>');
    expect(materialsOut(items, {} as MaterialsState).every((m) => !m.provided)).toBe(true);
  });

  it('cleans file names main would refuse', () => {
    expect(cleanName('a/b\\c\u0000d\u007f.png')).toBe('a_b_c_d_.png');
    expect(cleanName('')).toBe('file');
    expect(cleanName('x'.repeat(500))).toHaveLength(200);
  });
});

/** The checklist as 新建代办 mounts it, in a fresh app. */
const mountChecklist = (el: HTMLElement, props: Record<string, unknown>): App => {
  const a = createApp({ render: () => h(MaterialsChecklist, props as never) });
  a.use(createPinia()).use(ElementPlus).use(i18n).mount(el);
  return a;
};

describe('MaterialsChecklist', () => {
  let app: App | null = null;
  afterEach(() => {
    app?.unmount();
    app = null;
  });

  it('renders one row per material with 新建代办 test ids, required marks and flags; ticking updates the model', async () => {
    const state = ref(initialMaterials(items));
    const el = document.createElement('div');
    document.body.appendChild(el);
    app = mountChecklist(el, { items, flagged: ['M2'], modelValue: state.value, 'onUpdate:modelValue': (v: MaterialsState) => (state.value = v) });
    await nextTick();
    expect(el.querySelectorAll('tbody tr')).toHaveLength(4);
    expect(el.querySelector('[data-testid="newcase-material-row-M1"]')!.textContent).toContain('户口簿 (必需)');
    expect(el.querySelector('[data-testid="newcase-material-row-M2"]')!.getAttribute('data-flagged')).toBe('true');
    expect(el.querySelector('[data-testid="newcase-material-row-M1"]')!.getAttribute('data-flagged')).toBeNull();
    expect(el.querySelector('[data-testid="newcase-material-row-M2"]')!.textContent).toContain('需补正');
    // no file picker for paper (names of the controls: axe in e2e/clerk-field.spec.ts)
    expect(el.querySelector('[data-testid="newcase-upload-M1"]')).toBeNull();
    el.querySelector<HTMLInputElement>('[data-testid="newcase-material-M1"] input')!.click();
    await nextTick();
    expect(state.value.M1!.provided).toBe(true);
    expect(missingRequired(items, state.value)).toEqual(['身份证复印件']);
    // a scan shows the picker
    state.value.M3!.origin = 'scan';
    await nextTick();
    expect(el.querySelector('[data-testid="newcase-upload-M3"]')).not.toBeNull();
    // no bridge, no camera: no 高拍仪拍摄
    expect(el.querySelector('[data-testid^="newcase-scan-"]')).toBeNull();
    el.remove();
  });

  it('offers 高拍仪拍摄 per material only when main says a document camera is configured', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const buttons = async (answer: unknown): Promise<string[]> => {
      window.terminal = { invoke: (name: string) => Promise.resolve(name === 'devices.windowConfig' ? { ok: true, value: answer } : { ok: false, error: { code: 'NOT_HERE', message: name } }), on: () => () => undefined } as unknown as NonNullable<typeof window.terminal>;
      const state = ref(initialMaterials(items));
      const el = document.createElement('div');
      document.body.appendChild(el);
      const a = mountChecklist(el, { items, modelValue: state.value });
      await new Promise((r) => setTimeout(r, 20));
      await nextTick();
      const found = [...el.querySelectorAll('[data-testid^="newcase-scan-"]')].map((b) => b.getAttribute('data-testid')!);
      a.unmount();
      el.remove();
      return found;
    };
    try {
      expect(await buttons({ documentCamera: { driver: 'uvc', deviceLabel: 'Document Camera' } })).toEqual(['newcase-scan-M1', 'newcase-scan-M2', 'newcase-scan-M3', 'newcase-scan-M4']);
      expect(await buttons({})).toEqual([]);
      expect(await buttons({ documentCamera: { driver: 'twain' } })).toEqual([]);
      expect(await buttons('garbage')).toEqual([]);
    } finally {
      delete window.terminal;
      warn.mockRestore();
    }
  });
});
