// The Han-literal rule through the project's real ESLint config: what it reports, what it leaves
// alone, and that every exemption still matches a file.
import { ESLint } from 'eslint';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAN_EXEMPT } from './han-literal-scope.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const RULE = 'terminal/no-han-literal';

async function reported(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return r!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('terminal/no-han-literal in the project config', () => {
  it('reports Han characters in string literals, template text, Vue text and static attributes', async () => {
    const ts = ["export const a = '请放置证件';", 'export const b = `共${1}件`;', 'export const c = "x" + "读卡失败";'].join('\n');
    const msgs = await reported(ts, 'renderer/kiosk/__probe.ts');
    expect(msgs).toHaveLength(4);
    expect(msgs[0]).toContain('请放置证件');
    const vue = '<template><div title="标题">中文 {{ n }}</div></template>\n<script setup lang="ts">\nconst n = 1;\n</script>\n';
    expect(await reported(vue, 'renderer/kiosk/pages/__Probe.vue')).toHaveLength(2);
    // main/, devices/ and sync/ too: the words cross no boundary.
    expect(await reported("export const m = '设备未连接';", 'devices/transport/__probe.ts')).toHaveLength(1);
    expect(await reported("export const m = '未登录';", 'main/core/__probe.ts')).toHaveLength(1);
  });

  it('leaves comments, English, codes, catalogue keys and bound Vue expressions alone', async () => {
    const ts = ['// 身份证阅读器 (a comment)', '/** 受理回执 */', "export const code = 'READ_FAILED';", "export const key = 'kiosk.identify.title';", 'export const s = `${1} items`;'].join('\n');
    expect(await reported(ts, 'renderer/kiosk/__probe.ts')).toEqual([]);
    const vue = '<template><!-- 注释 --><p :title="t(\'a.b\')">{{ t(\'a.b\') }}</p></template>\n<script setup lang="ts">\nconst t = (k: string) => k;\n</script>\n';
    expect(await reported(vue, 'renderer/kiosk/pages/__Probe.vue')).toEqual([]);
  });

  it('does not apply to the exempt places (templates, seed data, tests)', async () => {
    for (const f of ['main/documents/templates.ts', 'sync/server/seed/__probe.ts', 'renderer/kiosk/__probe.test.ts', 'e2e/__probe.spec.ts']) {
      expect(await reported("export const m = '受理回执';", f), f).toEqual([]);
    }
  });
});

/** The globs the scope uses: `**` any depth, `*` within one folder. */
function matches(file: string, glob: string): boolean {
  const re = glob
    .split('**/')
    .map((part) => part.split('**').map((p) => p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*'))
    .join('(?:.*/)?');
  return new RegExp(`^${re}$`).test(file);
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'out' || name === 'test-results') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield relative(ROOT, p);
  }
}

describe('the exemptions', () => {
  it('every exemption matches a file that exists (none is stale)', () => {
    const files = [...walk(ROOT)];
    for (const glob of HAN_EXEMPT) expect(files.some((f) => matches(f, glob)), glob).toBe(true);
  });
});
