import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The renderer bundle. `base: './'` makes every asset URL relative, so the same build loads
 * from file:// in Electron and from the headless server at any path.
 */

/**
 * The dev server injects CSS as <style> elements, which index.html's CSP (style-src 'self')
 * forbids; relax it for `vite serve` only, so the built app keeps the strict policy.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'netguardian:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 45 ships a current Chromium; no legacy syntax needed.
    target: 'chrome130',
  },
});
