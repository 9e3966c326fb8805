import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      // A static SPA: every view is one page whose state lives in the query string, prerendered
      // as an empty shell with relative asset URLs, so the build works under any prefix.
      adapter: adapter({ pages: 'build', assets: 'build', strict: true }),
      paths: { relative: true },
      // One script and one stylesheet: split into a dozen chunks, the app's module requests held
      // the browser's six connections ahead of the data worker's script, which started ~50 ms
      // later. bench-viewer A/B, 18 interleaved cold runs each (2026-11-26): first page median
      // 831 ms vs 864 ms split; inlined into the HTML it was slower than either.
      output: { bundleStrategy: 'single' },
    }),
  ],
  worker: { format: 'es' },
  // Kit's server chunk (used only to analyse routes at build time) would otherwise import the
  // hoisted cookie@0 that Express brings, not the cookie@2 Kit depends on.
  ssr: { noExternal: ['cookie'] },
  server: { fs: { allow: ['..'] } },
});
