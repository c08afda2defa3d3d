import 'server-only';

/**
 * The web server's one reader of process.env (docs/architecture.md: one config parser per process).
 * API_UPSTREAM: where server components reach the api directly ("host:port" like Caddy's, or a URL).
 * PUBLIC_BASE_URL: the site's address as visitors see it (canonical links, OpenGraph, sitemap).
 */
function readConfig() {
  const upstream = process.env.API_UPSTREAM ?? '127.0.0.1:3001';
  const base = (process.env.PUBLIC_BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '');
  return {
    apiBase: `${/^https?:\/\//.test(upstream) ? upstream.replace(/\/$/, '') : `http://${upstream}`}/api/v1`,
    publicBaseUrl: base,
  };
}

export const config = readConfig();
