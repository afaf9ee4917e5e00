import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console: built into dist/web, which the api serves at `/`. It shares
 * the contracts' codecs with the api, so a form checks a body exactly as the
 * api will. `npm run dev:web` serves it with hot reload and sends API calls
 * to an api on port 3000.
 */
export default defineConfig({
  root: here('.'),
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // react-router marks its modules "use client" for server components, which a plain bundle has no use for.
      onwarn: (warning, warn) => (warning.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(warning)),
    },
  },
  resolve: { alias: { '@redress/contracts': here('../../libs/contracts/src/index.ts') } },
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    proxy: Object.fromEntries(
      ['/cases', '/complaints', '/complainants', '/rectifications', '/analytics', '/appraisal', '/policies', '/sla', '/events', '/projections', '/health', '/docs'].map((path) => [path, 'http://127.0.0.1:3000']),
    ),
  },
});
