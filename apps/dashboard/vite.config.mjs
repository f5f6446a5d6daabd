import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

// The api serves dist/ under /ui. The typed client is the CLI's (libs/client, browser entry); its Node-only
// imports are mapped to small browser stand-ins, and @skyport/contracts to its runtime part the client needs
// (error codes), so no gRPC or server code reaches the bundle.
export default defineConfig({
  root: here('.'),
  base: '/ui/',
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: [
      { find: '@skyport/client/browser', replacement: here('../../libs/client/src/browser.ts') },
      { find: '@skyport/contracts', replacement: here('./src/shims/contracts.ts') },
      { find: /^node:crypto$/, replacement: here('./src/shims/node-crypto.ts') },
      { find: /^ws$/, replacement: here('./src/shims/ws.ts') },
    ],
  },
  build: { outDir: here('./dist'), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
  logLevel: 'warn',
});
