import { Client } from 'pg';
import { runMigrations } from '@skyport/persistence';
import { freshTestBackends, startService, type RunningService } from '@skyport/dev-stack';

/** The bootstrap admin's token in tests (the api takes it from SKYPORT_BOOTSTRAP_TOKEN instead of making one). */
export const ADMIN_TOKEN = 'skp_test_bootstrap_admin_token_000000000001';

export interface ApiUnderTest {
  base: string;
  pg: Client;
  api: RunningService;
  dbUrl: string;
  redisUrl: string;
  /** A JSON call with a bearer token (the admin's unless given; `null`: none). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of many shapes
  call: (method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }) => Promise<{ status: number; body: any; headers: Headers }>;
  /** Creates a team (if needed), a user in it and a token for them; returns the token. */
  userIn: (team: string, name: string, role?: 'admin' | 'user') => Promise<{ token: string; userId: string; tokenId: string }>;
  stop: () => Promise<void>;
}

/**
 * The api as its own process (as in production) on a fresh database and Redis db, auth on, admin token known.
 */
export async function startApiUnderTest(label: string, env: Record<string, string> = {}): Promise<ApiUnderTest> {
  const { db, redisUrl } = await freshTestBackends(label, runMigrations);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const api = await startService('api', {
    SKYPORT_DATABASE_URL: db.url,
    SKYPORT_REDIS_URL: redisUrl,
    SKYPORT_LOG_LEVEL: 'warn',
    SKYPORT_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    // Nothing listens there: capacity calls fail fast and the api says so.
    SKYPORT_PROVISIONER_GRPC: '127.0.0.1:1',
    SKYPORT_OPTIMIZER_GRPC: '127.0.0.1:1',
    ...env,
  }, 90_000); // boot is seconds on an idle machine; much more while the rest of the suite builds on 2 cores
  const base = `http://127.0.0.1:${api.healthPort}`;
  const call: ApiUnderTest['call'] = async (method, path, options = {}) => {
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (metrics, SSE): keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
  const userIn: ApiUnderTest['userIn'] = async (team, name, role = 'user') => {
    const t = await call('POST', '/v1/teams', { body: { name: team } });
    if (t.status !== 201 && t.status !== 409) throw new Error(`team: ${t.status} ${JSON.stringify(t.body)}`);
    // With more than one team, tenancy is on: a new team gets a namespace (context 'local') so its users may launch.
    if (t.status === 201) {
      const ns = await call('PUT', `/v1/teams/${team}/namespaces`, { body: { namespaces: [{ context: 'local', namespace: team }] } });
      if (ns.status !== 200) throw new Error(`namespaces: ${ns.status} ${JSON.stringify(ns.body)}`);
    }
    const u = await call('POST', '/v1/users', { body: { name, team, role } });
    if (u.status !== 201) throw new Error(`user: ${u.status} ${JSON.stringify(u.body)}`);
    const tok = await call('POST', '/v1/tokens', { body: { user: name, name: `${name}-token` } });
    if (tok.status !== 201) throw new Error(`token: ${tok.status} ${JSON.stringify(tok.body)}`);
    return { token: tok.body.token as string, userId: u.body.id as string, tokenId: tok.body.id as string };
  };
  return {
    base,
    pg,
    api,
    dbUrl: db.url,
    redisUrl,
    call,
    userIn,
    stop: async () => {
      await api.stop();
      await pg.end();
      await db.drop();
    },
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
