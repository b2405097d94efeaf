// @vitest-environment happy-dom
// Issue 12 item 7: a broken terminal.config.json shows a Chinese screen naming the file and the field.
import { describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import { createI18n } from 'vue-i18n';
import zh from '../../i18n/locales/zh-CN.json';
import ConfigErrorScreen from './ConfigErrorScreen.vue';

describe('ConfigErrorScreen', () => {
  it('names the file and every broken field, in Chinese', async () => {
    const el = document.createElement('div');
    document.body.append(el);
    const app = createApp(ConfigErrorScreen, { error: { file: '/var/lib/tt/terminal.config.json', issues: [{ field: 'kiosk.idleTimeoutSec', message: 'Too small: expected number to be >=10' }, { field: '(file)', message: 'not valid JSON' }] } });
    app.use(createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } }));
    app.mount(el);
    await nextTick();
    const text = el.textContent ?? '';
    expect(text).toContain('配置文件有误，终端未启动');
    expect(text).toContain('配置文件：/var/lib/tt/terminal.config.json');
    expect(text).toContain('kiosk.idleTimeoutSec');
    expect(text).toContain('（整个文件）');
    expect(el.querySelectorAll('[data-testid="config-error-issue"]')).toHaveLength(2);
    expect(el.querySelector('[role="alert"]')).not.toBeNull();
    app.unmount();
  });
});
