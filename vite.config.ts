import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The Content-Security-Policy of the built app: scripts only from the page's own origin (no inline
 * scripts, no eval — the scenario validator is precompiled), no plugins, no remote connections.
 * Added to the build only: Vite's dev server injects an inline script for hot reload.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'raftsim-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

// The app is static: scenarios are bundled from scenarios/*.yaml as raw text.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  server: { port: 5173 },
  preview: { port: 5173, strictPort: true },
  build: { chunkSizeWarningLimit: 1500 },
  // @pkgjs/parseargs (etcdctl's flag parser, src/etcdctl/flags.ts) reads Node's `global`; in the page it is `globalThis`.
  define: { global: 'globalThis' },
});
