// ESLint flat config. Besides the usual TypeScript/Vue rules it enforces the import
// boundaries between process folders (see ../shared/design/ARCHITECTURE.md, "Folders").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import { builtinModules } from 'node:module';
import hanLiterals from './scripts/eslint-rules/no-han-literal.mjs';
import { HAN_EXEMPT } from './scripts/eslint-rules/han-literal-scope.mjs';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Patterns for `no-restricted-imports` that forbid importing another process folder. */
const escape = (t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const folder = (name, why, except = []) => {
  // `except`: sub-folders that may be imported (e.g. devices/protocol: pure schemas).
  const allowed = except.map((e) => escape(e.slice(name.length + 1)));
  const rest = allowed.length ? `(/(?!(${allowed.join('|')})(/|$))|$)` : '(/|$)';
  return { regex: `(^|/|@)${escape(name)}${rest}`, message: why };
};

const boundaries = {
  renderer: {
    paths: [
      ...nodeBuiltins.map((name) => ({ name, message: 'renderer/ runs in a sandboxed page: no Node built-ins.' })),
      { name: 'electron', message: 'renderer/ may not import electron; use window.terminal.' },
    ],
    patterns: [
      folder('main', 'renderer/ may not import main/ (process boundary); go through the bridge contract.'),
      folder('devices', 'renderer/ may not import devices/ (only its pure devices/protocol); device events come through window.terminal.', ['devices/protocol']),
      folder('sync/server', 'renderer/ may not import the platform server.'),
    ],
  },
  main: {
    patterns: [folder('renderer', 'main/ may not import renderer/ (process boundary).')],
  },
  devices: {
    paths: [{ name: 'electron', message: 'devices/ must run under plain Node: no electron.' }],
    patterns: [folder('renderer', 'devices/ may not import renderer/.'), folder('main', 'devices/ may not import main/.')],
  },
  sync: {
    paths: [{ name: 'electron', message: 'sync/ must run under plain Node and in the browser: no electron.' }],
    patterns: [folder('renderer', 'sync/ may not import renderer/.'), folder('main', 'sync/ may not import main/.')],
  },
  preload: {
    patterns: [
      folder('renderer', 'preload/ may not import renderer/.'),
      folder('devices', 'preload/ may not import devices/ (only its pure devices/protocol).', ['devices/protocol']),
      folder('sync/server', 'preload/ may not import the platform server.'),
    ],
  },
  // The back office web app (backoffice/src): a browser page served by the platform. It may use the
  // sync protocol and the terminal's locale files (the status labels), nothing else of the project.
  backoffice: {
    paths: [
      ...nodeBuiltins.map((name) => ({ name, message: 'backoffice/ runs in a browser: no Node built-ins.' })),
      { name: 'electron', message: 'backoffice/ runs in a browser: no electron.' },
    ],
    patterns: [
      folder('renderer', 'backoffice/ may import only the terminal\'s locale files (renderer/i18n/locales).', ['renderer/i18n/locales']),
      folder('main', 'backoffice/ may not import main/.'),
      folder('devices', 'backoffice/ may not import devices/.'),
      folder('preload', 'backoffice/ may not import preload/.'),
      folder('sync/server', 'backoffice/ talks to the platform over HTTP only; it may not import sync/server.'),
      folder('sync/client', 'backoffice/ may not import the terminal sync client.'),
    ],
  },
  // The contract is shared by every process: it may only depend on zod and the sync protocol.
  contract: {
    paths: [
      ...nodeBuiltins.map((name) => ({ name, message: 'preload/contract is shared with the renderer: no Node built-ins.' })),
      { name: 'electron', message: 'preload/contract is shared with the renderer: no electron.' },
    ],
    patterns: [
      folder('renderer', 'preload/contract may not import renderer/.'),
      folder('main', 'preload/contract may not import main/.'),
      folder('devices', 'preload/contract may not import devices/ (only its pure devices/protocol).', ['devices/protocol']),
      folder('sync/server', 'preload/contract may not import the platform server.'),
    ],
  },
};

const restrict = (files, rule) => ({ files, rules: { 'no-restricted-imports': ['error', rule] } });

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '**/fixtures/lint/**', 'bench/results/**', '.data/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  { files: ['renderer/**/*.{ts,vue}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['backoffice/src/**/*.{ts,vue}'], languageOptions: { globals: { ...globals.browser } } },
  restrict(['backoffice/src/**/*.{ts,vue}'], boundaries.backoffice),
  restrict(['renderer/**/*.{ts,vue}'], boundaries.renderer),
  restrict(['main/**/*.ts'], boundaries.main),
  restrict(['devices/**/*.ts'], boundaries.devices),
  restrict(['sync/**/*.ts'], boundaries.sync),
  restrict(['preload/**/*.ts'], boundaries.preload),
  // devices/protocol is shared with the sandboxed renderer (like sync/protocol): zod only.
  restrict(['devices/protocol/**/*.ts'], boundaries.contract),
  restrict(['preload/contract/**/*.ts', 'preload/browser.ts'], boundaries.contract),
  { files: ['preload/browser.ts'], languageOptions: { globals: { ...globals.browser } } },
  // main/core and main/host run under plain Node (browser host, tests): no electron there.
  // Words for people live in the catalogue: no Han characters in string literals or Vue template
  // text outside the catalogues, templates, seed data and protocol values (exempt).
  {
    files: ['**/*.{ts,vue,js,mjs}'],
    ignores: [...HAN_EXEMPT],
    plugins: { terminal: hanLiterals },
    rules: { 'terminal/no-han-literal': 'error' },
  },
  restrict(['main/core/**/*.ts', 'main/host/**/*.ts'], {
    paths: [{ name: 'electron', message: 'main/core and main/host run without Electron; only main/index.ts and main/electron/ may import it.' }],
    patterns: boundaries.main.patterns,
  }),
);

export { boundaries };
