import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = import.meta.dirname;

// Three bundles: main (Electron entry + the browser host entry, both Node), preload (sandboxed,
// so CommonJS) and renderer (the Vue app plus the browser bridge script the host injects).
export default defineConfig({
  main: {
    plugins: [
      {
        // The platform's numbered SQL migrations ship beside the main bundle (demo mode runs it).
        name: 'copy-platform-migrations',
        closeBundle() {
          cpSync(resolve(root, 'sync/server/migrations'), resolve(root, 'out/main/migrations'), { recursive: true, filter: (f) => !f.endsWith('.ts') });
        },
      },
    ],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // Dependencies stay external (electron-vite's default); pdf-to-printer must, whatever that
        // default becomes: it finds its SumatraPDF.exe beside its own file (A4 printing on Windows).
        external: ['pdf-to-printer'],
        input: {
          index: resolve(root, 'main/index.ts'),
          host: resolve(root, 'main/host/cli.ts'),
          'demo-platform-worker': resolve(root, 'main/sync/demo-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot require() packages: bundle everything (zod) into one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/electron.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves bundles unminified; the renderer's cold start (kiosk first paint)
      // parses ≈ 2.5× less JavaScript minified.
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'renderer/index.html'),
          bridge: resolve(root, 'preload/browser.ts'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'bridge' ? 'bridge.js' : 'assets/[name]-[hash].js'),
        },
      },
    },
    plugins: [
      vue(),
      VueI18nPlugin({ include: [resolve(root, 'renderer/i18n/locales/**')], runtimeOnly: true, compositionOnly: true, fullInstall: false }),
      AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
      Components({ resolvers: [ElementPlusResolver()], dts: false, dirs: [] }),
    ],
  },
});
