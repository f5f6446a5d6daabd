import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type ErrorBody } from '@skyport/contracts';

/** The path the dashboard is served under; `/` redirects there. */
export const DASHBOARD_BASE = '/ui';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The page talks only to this api (same origin); the bundle has no inline scripts.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Where `vite build apps/dashboard` writes the bundle, seen from apps/api/dist/dashboard. */
export function defaultDashboardDir(): string {
  return resolve(__dirname, '..', '..', '..', 'dashboard', 'dist');
}

/**
 * Answers GET/HEAD under /ui from the built bundle: hashed assets cached for good, anything else that is not a
 * file (a client route such as /ui/clusters/x) gets index.html. Returns false for paths it does not own.
 */
export function serveDashboard(dir: string, req: IncomingMessage, res: ServerResponse): boolean {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const path = decodePath(url.split('?')[0]);
  if (path === undefined) return false;
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.statusCode = 302;
    res.setHeader('Location', `${DASHBOARD_BASE}/`);
    res.end();
    return true;
  }
  if (path === '/favicon.ico') {
    // Browsers ask for it at the root; without this they would get the api's 401.
    res.statusCode = 204;
    res.end();
    return true;
  }
  if (path !== DASHBOARD_BASE && !path.startsWith(`${DASHBOARD_BASE}/`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, ErrorCode.InvalidRequest, 'the dashboard only answers GET');
  }
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    return sendError(res, 404, ErrorCode.NotFound, 'the dashboard is not built: run `npx vite build apps/dashboard` (scripts/setup.sh does it)');
  }
  const rel = normalize(path.slice(DASHBOARD_BASE.length) || '/');
  const file = resolve(dir, `.${rel}`);
  const inside = file === dir || file.startsWith(dir + sep);
  const isFile = inside && existsSync(file) && statSync(file).isFile();
  if (!isFile && rel.startsWith('/assets/')) return sendError(res, 404, ErrorCode.NotFound, `no dashboard file ${path}`);
  const target = isFile ? file : index;
  res.statusCode = 200;
  res.setHeader('Content-Type', TYPES[extname(target)] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (target === index) res.setHeader('Content-Security-Policy', CSP);
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(target).pipe(res);
  return true;
}

function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): true {
  const body: ErrorBody = { code, message };
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
  return true;
}
