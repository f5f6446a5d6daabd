import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkyportClient } from '@skyport/client';
import { ADMIN_TOKEN, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const hasStack = Boolean(process.env.SKYPORT_TEST_DATABASE_URL && process.env.SKYPORT_TEST_REDIS_URL);

/**
 * `skyport storage ls|delete` through the api process: team-scoped like clusters (a team sees and deletes its own
 * buckets only; another team's is "not found"), refused while a live cluster mounts the bucket; a delete marks the
 * row DELETING for the provisioner's reaper. Rows are written as the provisioner writes them at launch.
 */
describe('storage ls/delete (api process, Postgres)', { skip: hasStack ? false : 'needs the local stack (npm test)' }, () => {
  let t: ApiUnderTest;
  let ann: { token: string; userId: string };
  let amy: { token: string; userId: string };
  let bob: { token: string; userId: string };

  const bucket = async (name: string, owner: string, team: string | null, cluster: string | null = null) =>
    t.pg.query(`INSERT INTO storage (name, store, persistent, cluster_name, status, team, owner) VALUES ($1, 's3', true, $2, 'READY', $3, $4)`, [name, cluster, team, owner]);

  before(async () => {
    t = await startApiUnderTest('api_storage');
    ann = await t.userIn('sa', 'ann');
    amy = await t.userIn('sa', 'amy');
    bob = await t.userIn('sb', 'bob');
    await bucket('ann-data', ann.userId, 'sa');
    await bucket('ann-busy', ann.userId, 'sa', 'busy-cluster');
    await bucket('bob-data', bob.userId, 'sb');
    // A live cluster whose task mounts ann-busy by name (as the api stores the task).
    await t.pg.query(`INSERT INTO clusters (name, phase, owner, task) VALUES ('busy-cluster', 'UP', $1, $2)`, [
      ann.userId,
      JSON.stringify({ fileMounts: [{ target: '/data', storage: { name: 'ann-busy', mode: 'COPY' } }] }),
    ]);
    // One mounting it by s3:// URL (a prefix of it, in MOUNT mode) uses it too; one naming a longer bucket does not.
    for (const [name, source] of [['url-cluster', 's3://ann-busy/sub'], ['other-cluster', 's3://ann-busy-x']]) {
      await t.pg.query(`INSERT INTO clusters (name, phase, owner, task) VALUES ($1, 'UP', $2, $3)`, [name, ann.userId, JSON.stringify({ fileMounts: [{ target: '/m', source, storage: { mode: 'MOUNT' } }] })]);
    }
  });

  after(async () => {
    await t?.stop();
  });

  it("lists the team's buckets only (a teammate sees them too; an admin sees all)", async () => {
    const client = (token: string) => new SkyportClient({ endpoint: t.base, token });
    const names = async (token: string) => (await client(token).listStorage()).map((s) => s.name);
    assert.deepEqual(await names(ann.token), ['ann-busy', 'ann-data']);
    assert.deepEqual(await names(amy.token), ['ann-busy', 'ann-data']);
    assert.deepEqual(await names(bob.token), ['bob-data']);
    assert.deepEqual(await names(ADMIN_TOKEN), ['ann-busy', 'ann-data', 'bob-data']);
    const [busy] = await client(ann.token).listStorage();
    assert.equal(busy!.ownerName, 'ann');
    assert.deepEqual(busy!.usedBy, ['busy-cluster', 'url-cluster']);
    assert.equal(busy!.status, 'READY');
  });

  it("refuses another team's bucket as not found, and one a live cluster uses with the cluster's name", async () => {
    const other = await t.call('DELETE', '/v1/storage/ann-data', { token: bob.token });
    assert.equal(other.status, 404, JSON.stringify(other.body));
    assert.match(other.body.message, /no storage 'ann-data'/);
    const busy = await t.call('DELETE', '/v1/storage/ann-busy', { token: ann.token });
    assert.equal(busy.status, 409, JSON.stringify(busy.body));
    assert.match(busy.body.message, /storage 'ann-busy' is used by 'busy-cluster', 'url-cluster'/);
  });

  it('a teammate deletes it: 202, DELETING until the provisioner removes the bucket', async () => {
    const res = await new SkyportClient({ endpoint: t.base, token: amy.token }).deleteStorage('ann-data');
    assert.deepEqual(res, { name: 'ann-data', status: 'DELETING' });
    const rows = await t.pg.query(`SELECT status FROM storage WHERE name = 'ann-data'`);
    assert.equal(rows.rows[0].status, 'DELETING');
    assert.equal((await t.pg.query(`SELECT status FROM storage WHERE name = 'bob-data'`)).rows[0].status, 'READY');
  });
});
