import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

interface AccessLine {
  component?: string;
  msg?: string;
  level?: number;
  reqId?: string;
  req?: { method: string; path: string };
  res?: { status: number };
  route?: string;
  user?: string;
  responseTime?: number;
}

/** The api's HTTP access log (pino-http), read from the api process's own output. */
describe('HTTP access log (api process, real Postgres + Redis)', () => {
  let t: ApiUnderTest;
  const lines = (): AccessLine[] =>
    t.api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as AccessLine)
      .filter((l) => l.component === 'http');

  before(async () => {
    t = await startApiUnderTest('api_access_log', { SKYPORT_LOG_LEVEL: 'info' });
  });
  after(async () => {
    await t?.stop();
  });

  it('one line per call: method, path without the query, route, status, time, caller, request id echoed back', async () => {
    const user = await t.userIn('logs', 'lena');
    const listed = await t.call('GET', '/v1/clusters?limit=5', { token: user.token, headers: { 'x-request-id': 'trace-abc-123' } });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('x-request-id'), 'trace-abc-123');
    const missing = await t.call('GET', '/v1/clusters/nope', { token: user.token });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'a new id when none (or a malformed one) is given');
    await t.call('GET', '/healthz', { token: null });
    await new Promise((r) => setTimeout(r, 200));

    const list = lines().find((l) => l.reqId === 'trace-abc-123');
    assert.ok(list, JSON.stringify(lines()));
    assert.deepEqual([list.req?.method, list.req?.path, list.res?.status, list.route, list.user], ['GET', '/v1/clusters', 200, '/v1/clusters', user.userId]);
    assert.equal(list.msg, 'GET /v1/clusters 200');
    assert.ok(typeof list.responseTime === 'number');
    const notFound = lines().find((l) => l.req?.path === '/v1/clusters/nope');
    assert.equal(notFound?.res?.status, 404);
    assert.equal(notFound?.level, 30, 'a refusal is info, not an error');
    assert.ok(!lines().some((l) => l.req?.path === '/healthz'), 'probes are not logged');
    const all = t.api.output();
    assert.ok(!all.includes(user.token) && !all.includes(ADMIN_TOKEN), 'no token in the log');
    assert.ok(!all.includes('limit=5'), 'no query string in the log');
  });
});
