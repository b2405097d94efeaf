// The back office web app (Vue 3 + Element Plus), served by the reference platform at /admin
// (sync/server/backoffice/routes.ts). `npm run build` writes it to out/backoffice.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  // No public dir, no inline assets: the platform's CSP allows scripts and styles from files only.
  publicDir: false,
  build: {
    outDir: resolve(root, 'out/backoffice'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    minify: true,
    chunkSizeWarningLimit: 1500,
  },
  plugins: [
    vue(),
    // Messages are compiled at build time (the CSP has no 'unsafe-eval'); the status labels come from
    // the terminal's catalogue (renderer/i18n/locales), so a status reads the same everywhere.
    VueI18nPlugin({ include: [resolve(import.meta.dirname, 'src/locales/**'), resolve(root, 'renderer/i18n/locales/**')], runtimeOnly: true, compositionOnly: true, fullInstall: false }),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false, dirs: [] }),
  ],
});
