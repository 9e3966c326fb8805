// A client-only SPA: the data lives in the browser (DuckDB-WASM in a worker), never on a server.
export const ssr = false;
// Prerendered as an empty shell: a fallback page has absolute asset URLs (/_app/...), so the
// build would load only at the root of a host; the prerendered page's are relative.
export const prerender = true;
