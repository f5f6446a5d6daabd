import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const VALUE = `sk-live-${randomBytes(8).toString('hex')}`;
const INLINE = `inline-${randomBytes(8).toString('hex')}`;
const TASK = `resources:\n  cpus: 1\nsecrets:\n  API_KEY: null\n  INLINE_KEY: ${INLINE}\nrun: echo hi\n`;

describe('task secrets through the api: sealed at rest, in no answer, event or audit row (api process, real Postgres)', () => {
  let t: ApiUnderTest;

  before(async () => {
    t = await startApiUnderTest('api_request_secrets', { SKYPORT_SECRETS_KEY: randomBytes(32).toString('base64') });
  });
  after(async () => {
    await t?.stop();
  });

  it('a launch with --secret and inline task secrets stores them sealed; nothing a user or admin can read shows them', async () => {
    const user = await t.userIn('sec', 'sid');
    const launch = await t.call('POST', '/v1/clusters/sec-c/launch', { token: user.token, body: { task: TASK, secrets: { API_KEY: VALUE } } });
    assert.equal(launch.status, 202, JSON.stringify(launch.body));
    const requestId = launch.body.requestId as string;
    const tables: unknown[] = [];
    for (const table of ['requests', 'jobs', 'events', 'outbox', 'audit_log', 'idempotency_keys', 'request_secrets', 'clusters']) tables.push((await t.pg.query(`SELECT * FROM ${table}`)).rows);
    const dump = JSON.stringify(tables);
    for (const secret of [VALUE, INLINE]) assert.ok(!dump.includes(secret), `no plaintext ${secret.slice(0, 8)}… in Postgres`);
    const sealed = await t.pg.query('SELECT sealed FROM request_secrets WHERE request_id = $1', [requestId]);
    assert.match(sealed.rows[0].sealed, /^v1\./);
    const answers = JSON.stringify([
      launch.body,
      (await t.call('GET', `/v1/requests/${requestId}`, { token: user.token })).body,
      (await t.call('GET', '/v1/clusters/sec-c', { token: user.token })).body,
      (await t.call('GET', '/v1/clusters/sec-c')).body,
      (await t.call('GET', '/v1/events?since=0&follow=0')).body,
      (await t.call('GET', '/v1/audit')).body,
    ]);
    for (const secret of [VALUE, INLINE]) assert.ok(!answers.includes(secret), 'no secret in any answer');
    assert.ok(!t.api.output().includes(VALUE) && !t.api.output().includes(INLINE), 'nor in the api log');
  });

  it('an api without SKYPORT_SECRETS_KEY refuses a launch with secrets (503, naming the variable) and writes nothing', async () => {
    const keyless = await startApiUnderTest('api_request_secrets_nokey', { SKYPORT_SECRETS_KEY: '' });
    try {
      const user = await keyless.userIn('sec', 'sid');
      const res = await keyless.call('POST', '/v1/clusters/nokey/launch', { token: user.token, body: { task: TASK, secrets: { API_KEY: VALUE } } });
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.match(res.body.message, /SKYPORT_SECRETS_KEY is not set/);
      assert.ok(!JSON.stringify(res.body).includes(VALUE));
      assert.equal((await keyless.pg.query(`SELECT count(*)::int AS n FROM requests WHERE cluster_name = 'nokey'`)).rows[0].n, 0);
      assert.equal((await keyless.call('POST', '/v1/clusters/nokey/launch', { token: user.token, body: { task: 'resources:\n  cpus: 1\nrun: echo hi\n' } })).status, 202, 'launches without secrets work');
    } finally {
      await keyless.stop();
    }
  });
});
