// A client-only SPA: the data lives in the browser (DuckDB-WASM in a worker), never on a server.
export const ssr = false;
export const prerender = false;
