import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const hasStack = Boolean(process.env.SKYPORT_TEST_DATABASE_URL && process.env.SKYPORT_TEST_REDIS_URL);

/**
 * Which buckets a task may mount, refused by the api before anything is written (launch, exec, managed jobs): the
 * caller's team's recorded buckets, those the admin's SKYPORT_S3_EXTERNAL_BUCKETS allows the team, any for an admin.
 * The api process on real Postgres; no S3 is needed to refuse (the provisioner checks again before it downloads).
 */
describe('bucket mounts at admission (api process, Postgres)', { skip: hasStack ? false : 'needs the local stack (npm test)' }, () => {
  let t: ApiUnderTest;
  let ann: { token: string; userId: string };
  let bob: { token: string; userId: string };
  const task = (fileMounts: Record<string, unknown>) => ({ task: { resources: { cpus: 1 }, run: 'ls', file_mounts: fileMounts } });
  const counts = async () => {
    const { rows } = await t.pg.query(`SELECT (SELECT count(*) FROM requests)::int AS requests, (SELECT count(*) FROM clusters)::int AS clusters, (SELECT count(*) FROM managed_jobs)::int AS jobs`);
    return rows[0] as { requests: number; clusters: number; jobs: number };
  };

  before(async () => {
    // What an admin writes: team `sa` may read shared-*, everyone public-data.
    t = await startApiUnderTest('api_launch_buckets', { SKYPORT_S3_EXTERNAL_BUCKETS: 'sa=shared-*, public-data', SKYPORT_WEBHOOKS: 'off' });
    ann = await t.userIn('sa', 'ann');
    bob = await t.userIn('sb', 'bob');
    for (const [name, user, team] of [['ann-bkt', ann.userId, 'sa'], ['bob-bkt', bob.userId, 'sb']]) {
      await t.pg.query(`INSERT INTO storage (name, store, persistent, status, team, owner) VALUES ($1, 's3', true, 'READY', $2, $3)`, [name, team, user]);
    }
  });

  after(async () => {
    await t?.stop();
  });

  it('refuses with 403 at launch, exec and jobs launch, naming the bucket and the setting; nothing is written', async () => {
    const before = await counts();
    const refusals: Array<[string, string, unknown, RegExp]> = [
      ['/v1/clusters/b1/launch', ann.token, task({ '/d': 's3://admins-own/x' }), /file_mounts '\/d': bucket 'admins-own' was not created by Skyport for team 'sa' and is not allowed by this server's SKYPORT_S3_EXTERNAL_BUCKETS; an admin may add it there/],
      ['/v1/clusters/b1/launch', bob.token, task({ '/d': 's3://shared-data/x' }), /bucket 'shared-data' was not created by Skyport for team 'sb' and is not allowed/],
      ['/v1/clusters/b1/launch', ann.token, task({ '/d': 's3://bob-bkt' }), /file_mounts '\/d': storage 'bob-bkt' belongs to another team/],
      ['/v1/clusters/b1/launch', ann.token, task({ '/d': { name: 'bob-bkt', mode: 'COPY' } }), /storage 'bob-bkt' belongs to another team/],
      ['/v1/clusters/b1/exec', ann.token, task({ '/d': 's3://admins-own/x' }), /bucket 'admins-own' was not created by Skyport/],
      ['/v1/jobs', ann.token, task({ '/d': 's3://admins-own/x' }), /bucket 'admins-own' was not created by Skyport/],
    ];
    for (const [path, token, body, message] of refusals) {
      const r = await t.call('POST', path, { token, body });
      assert.equal(r.status, 403, `${path}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, message);
      assert.equal(r.body.code, 'FORBIDDEN');
    }
    assert.deepEqual(await counts(), before, 'no request, cluster or managed job row');
  });

  it("accepts the team's own bucket, an allowed one, and any bucket for an admin", async () => {
    const accepted: Array<[string, string, unknown]> = [
      ['ok-own', ann.token, task({ '/d': 's3://ann-bkt/x', '/n': { name: 'ann-bkt', mode: 'COPY' } })],
      ['ok-team', ann.token, task({ '/d': 's3://shared-data/x' })],
      ['ok-all', bob.token, task({ '/d': 's3://public-data' })],
      // A name Skyport has not recorded may be created by the launch: the provisioner decides once it sees the bucket.
      ['ok-new', bob.token, task({ '/n': { name: 'bob-new', mode: 'COPY' } })],
      ['ok-admin', ADMIN_TOKEN, task({ '/d': 's3://admins-own/x' })],
    ];
    for (const [cluster, token, body] of accepted) {
      const r = await t.call('POST', `/v1/clusters/${cluster}/launch`, { token, body });
      assert.equal(r.status, 202, `${cluster}: ${JSON.stringify(r.body)}`);
    }
  });

  it('a launch onto a running cluster that copies a bucket waits (INIT) for the re-sync, as one with uploads does; one without waits for nothing', async () => {
    const first = await t.call('POST', '/v1/clusters/resync-bkt/launch', { token: ann.token, body: task({ '/d': 's3://ann-bkt/x' }) });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    await t.pg.query(`UPDATE clusters SET phase = 'UP' WHERE name = 'resync-bkt'`);
    for (const body of [task({ '/d': 's3://ann-bkt/x' }), task({})]) {
      const r = await t.call('POST', '/v1/clusters/resync-bkt/launch', { token: ann.token, body });
      assert.equal(r.status, 202, JSON.stringify(r.body));
    }
    const { rows } = await t.pg.query(`SELECT job_id, status FROM jobs WHERE cluster_name = 'resync-bkt' ORDER BY job_id`);
    assert.deepEqual(rows.map((j: { status: string }) => j.status), ['PENDING', 'INIT', 'PENDING']);
  });
});
