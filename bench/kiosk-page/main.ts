/**
 * Page of the Chromium benchmark (bench/kiosk-chromium.bench.ts): the real search module and the
 * real FormRenderer, timed in the browser. Exposes `window.kioskBench`.
 */
import { createApp, h, nextTick } from 'vue';
import { createI18n } from 'vue-i18n';
import FormRenderer from '../../renderer/forms/FormRenderer.vue';
import { FormModel, type UiElement } from '../../renderer/forms/model';
import { buildSearchIndex, searchCatalog, type SearchableItem } from '../../renderer/catalog/search';

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { kiosk: { form: { requiredMark: '（必填）', yes: '是', no: '否', fromCard: '已从身份证读取' } } } } });

function form40(): FormModel {
  const props: Record<string, unknown> = {};
  const elements: UiElement[] = [];
  const kinds = [
    { type: 'string', title: '姓名', minLength: 2, maxLength: 30 },
    { type: 'string', title: '身份证号', pattern: '^[1-9]\\d{5}(18|19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])\\d{3}[\\dX]$' },
    { type: 'string', title: '手机号', pattern: '^1[3-9]\\d{9}$' },
    { type: 'string', title: '日期', format: 'date' },
    { type: 'integer', title: '人数', minimum: 1, maximum: 20 },
    { type: 'string', title: '类别', enum: ['甲', '乙', '丙', '丁'] },
    { type: 'boolean', title: '是否' },
    { type: 'string', title: '说明', maxLength: 200 },
  ];
  for (let i = 0; i < 40; i++) {
    props[`f${i}`] = { ...kinds[i % kinds.length], title: `${kinds[i % kinds.length]!.title}${i}` };
    elements.push({ type: 'Control', scope: `#/properties/f${i}` });
  }
  return new FormModel('40项表单', { type: 'object', properties: props, required: ['f0', 'f1', 'f2'] }, { type: 'VerticalLayout', elements: [{ type: 'Group', label: '全部', elements }] });
}

async function renderForm(runs: number): Promise<number[]> {
  const times: number[] = [];
  const host = document.getElementById('app')!;
  for (let r = 0; r < runs; r++) {
    const model = form40();
    const data = { f0: '张三', f5: '乙', f6: true };
    const el = document.createElement('div');
    host.appendChild(el);
    const t0 = performance.now();
    const app = createApp({ render: () => h(FormRenderer, { model, step: model.steps[0]!, modelValue: data, errors: model.errors(data), density: 'kiosk' }) });
    app.use(i18n);
    app.mount(el);
    await nextTick();
    void el.offsetHeight; // layout
    times.push(performance.now() - t0);
    if (el.querySelectorAll('.form-field').length !== 40) throw new Error('expected 40 fields');
    app.unmount();
    el.remove();
  }
  return times;
}

function search(items: SearchableItem[], queries: string[]): { perKey: number[]; buildMs: number; results: number } {
  const t0 = performance.now();
  const index = buildSearchIndex(items, { popularity: new Map(items.slice(0, 500).map((it, i) => [it.code, i % 40])) });
  const buildMs = performance.now() - t0;
  const perKey: number[] = [];
  let results = 0;
  for (let round = 0; round < 6; round++) {
    for (const q of queries) {
      index.last = null;
      let typed = '';
      const stepOnce = (text: string) => {
        const s = performance.now();
        results += searchCatalog(index, text, { limit: 50 }).length;
        if (round > 0) perKey.push(performance.now() - s);
      };
      for (const ch of q) stepOnce((typed += ch));
      stepOnce(typed.slice(0, -1));
      stepOnce(typed.slice(0, -2));
      stepOnce(typed);
    }
  }
  return { perKey, buildMs, results };
}

(window as unknown as { kioskBench: unknown }).kioskBench = { renderForm, search };
