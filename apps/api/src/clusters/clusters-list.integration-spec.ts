import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ClusterStatus, RequestKind, RequestStatus, type OptimizerRpc } from '@skyport/contracts';
import { ClusterEntity, createDataSource, initializeWithRetry, LaunchQueueEntity, PlanEntity, RequestEntity } from '@skyport/persistence';
import { parseTaskObject } from '@skyport/task-spec';
import { ADMIN_TOKEN, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const COUNT = 10_000;
const STATUS_CYCLE = [ClusterStatus.Up, ClusterStatus.Up, ClusterStatus.Up, ClusterStatus.Up, ClusterStatus.Up, ClusterStatus.Up, ClusterStatus.Init, ClusterStatus.Terminated, ClusterStatus.Failed, ClusterStatus.Provisioning];
const TASK = parseTaskObject({ resources: { cpus: 0.5, memory: 1 }, run: 'sleep 600' });

interface Seeded {
  name: string;
  status: ClusterStatus;
  ownerName: string;
  team: string | null;
}
interface Summary {
  name: string;
  status: string;
  owner: string | null;
  team: string | null;
  resources?: string;
  requestId?: string;
  queued?: { position: number; reason: string | null };
}

const nameOf = (i: number): string => `c-${String(i).padStart(5, '0')}`;
const pricedCandidate = (candidateId: string, totalHourlyPrice: number): OptimizerRpc.Candidate => ({
  candidateId,
  provider: 'kubernetes',
  region: 'ctx',
  zone: '',
  instanceType: '',
  vcpus: 1,
  memoryGb: 1,
  acceleratorName: '',
  acceleratorCount: 0,
  hourlyPrice: totalHourlyPrice,
  totalHourlyPrice,
  useSpot: false,
  feasible: true,
  reason: '',
  namespace: '',
});

describe('GET /v1/clusters at 10,000 clusters: filters, team isolation, keyset pages (api process, real Postgres)', () => {
  let t: ApiUnderTest;
  const tokens: Record<string, string> = {};
  const seeded: Seeded[] = [];

  /** Every page of `path` (a query without cursor) as `token`; checks each page's size and that names only grow. */
  async function allPages(path: string, token: string, limit: number): Promise<Summary[]> {
    const out: Summary[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await t.call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.items.length <= limit);
      if (res.body.nextCursor) assert.equal(res.body.items.length, limit, 'only the last page is short');
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return out;
    }
    throw new Error('too many pages');
  }
  const names = (items: Array<{ name: string }>): string[] => items.map((i) => i.name);
  const expected = (keep: (c: Seeded) => boolean): string[] => seeded.filter(keep).map((c) => c.name);
  const live = (c: Seeded): boolean => c.status !== ClusterStatus.Terminated;

  before(async () => {
    t = await startApiUnderTest('api_clusters_list', { SKYPORT_OUTBOX_RELAY: 'off', SKYPORT_QUEUE_ADMIT_INTERVAL_MS: '3600000' });
    const users: Record<string, { id: string; team: string | null }> = {};
    for (const [team, name] of [['red', 'alice'], ['red', 'amy'], ['blue', 'bob']] as const) {
      const u = await t.userIn(team, name);
      tokens[name] = u.token;
      users[name] = { id: u.userId, team };
    }
    const admin = (await t.pg.query(`SELECT id FROM users WHERE name = 'admin'`)).rows[0].id as string;
    users.admin = { id: admin, team: 'default' };
    users.anonymous = { id: 'anonymous', team: null };
    const owners = ['alice', 'amy', 'bob', 'admin'];

    const db = await initializeWithRetry(createDataSource(t.dbUrl, { extra: { max: 2 } }), 10, 500);
    try {
      const rows: Array<Partial<ClusterEntity>> = [];
      for (let i = 0; i < COUNT; i++) {
        const ownerName = i % 50 === 0 ? 'anonymous' : owners[i % owners.length];
        const status = STATUS_CYCLE[i % STATUS_CYCLE.length];
        seeded.push({ name: nameOf(i), status, ownerName: ownerName, team: users[ownerName].team });
        rows.push({ name: nameOf(i), phase: status, owner: users[ownerName].id, infra: 'kubernetes/ctx', namespace: 'default', numNodes: 1, task: TASK });
      }
      // Out of name order on purpose: the answer's order must come from the query, not from insertion.
      rows.reverse();
      for (let start = 0; start < rows.length; start += 1_000) await db.manager.insert(ClusterEntity, rows.slice(start, start + 1_000) as never);

      // A row from before clusters kept their task: its resources come from the launch request.
      const legacyRequest = randomUUID();
      await db.manager.insert(RequestEntity, { id: legacyRequest, kind: RequestKind.Launch, status: RequestStatus.Succeeded, clusterName: nameOf(1), owner: users.alice.id, bodyHash: 'x', payload: { task: { resources: [{ cpus: { value: 4, orMore: true }, accelerator: { name: 'A100', count: 8 } }] } } });
      await db.manager.update(ClusterEntity, { name: nameOf(1) }, { task: null, requestId: legacyRequest });

      // Three INIT launches of team red waiting for quota (priority first, then arrival), one already admitted.
      const queue: Array<[number, number, string]> = [
        [16, 0, 'queued'],
        [36, 5, 'queued'],
        [56, 0, 'queued'],
        [76, 0, 'admitted'],
      ];
      for (const [i, priority, state] of queue) {
        const requestId = randomUUID();
        await db.manager.update(ClusterEntity, { name: nameOf(i) }, { requestId });
        await db.manager.insert(LaunchQueueEntity, { requestId, clusterName: nameOf(i), team: 'red', priority, demand: {}, state, reason: state === 'queued' ? `waiting ${i}` : null });
      }
      // A priced plan for the cost report.
      const planned = randomUUID();
      await db.manager.update(ClusterEntity, { name: nameOf(4) }, { requestId: planned });
      await db.manager.insert(PlanEntity, { id: randomUUID(), requestId: planned, clusterName: nameOf(4), plan: { planId: 'priced', numNodes: 1, candidates: [pricedCandidate('a', 9), pricedCandidate('b', 2.5)], chosenIndex: 1, blocked: [], blockedKey: '', table: '' }, chosenIndex: 1 });
    } finally {
      await db.destroy();
    }
  });

  after(async () => {
    await t?.stop();
  });

  it('an admin pages through every live cluster once, in name order; all=1 adds the terminated ones', async () => {
    const items = await allPages('/v1/clusters', ADMIN_TOKEN, 500);
    assert.deepEqual(names(items), expected(live));
    assert.equal(new Set(names(items)).size, items.length);
    const everything = await allPages('/v1/clusters?all=1', ADMIN_TOKEN, 500);
    assert.equal(everything.length, COUNT);
    const anonymous = everything.find((c) => c.name === nameOf(0));
    assert.equal(anonymous?.owner, 'anonymous');
    assert.equal(anonymous?.team, null);
  });

  it("a team member sees exactly their team's clusters, page by page, with owner and team", async () => {
    const red = await allPages('/v1/clusters', tokens.alice, 250);
    assert.deepEqual(names(red), expected((c) => live(c) && c.team === 'red'));
    assert.ok(red.every((c) => c.team === 'red' && (c.owner === 'alice' || c.owner === 'amy')));
    const blue = await allPages('/v1/clusters?all=true', tokens.bob, 500);
    assert.deepEqual(names(blue), expected((c) => c.team === 'blue'));
  });

  it("another team's cluster is not found, one's own is", async () => {
    const reds = seeded.find((c) => c.team === 'red' && live(c)) ?? assert.fail('no live red cluster seeded');
    assert.equal((await t.call('GET', `/v1/clusters/${reds.name}`, { token: tokens.bob })).status, 404);
    const detail = await t.call('GET', `/v1/clusters/${reds.name}`, { token: tokens.amy });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.team, 'red');
    assert.equal(detail.body.owner, reds.ownerName);
    assert.equal((await t.call('GET', `/v1/clusters/${nameOf(0)}`, { token: tokens.alice })).status, 404, "the anonymous owner's cluster is an admin's to see");
  });

  it('filters: status, name prefix, owner and team, combined with the caller’s scope', async () => {
    const failedOrInit = await allPages('/v1/clusters?status=init,FAILED', ADMIN_TOKEN, 500);
    assert.deepEqual(names(failedOrInit), expected((c) => c.status === ClusterStatus.Init || c.status === ClusterStatus.Failed));
    const ended = await allPages('/v1/clusters?status=TERMINATED', tokens.alice, 500);
    assert.deepEqual(names(ended), expected((c) => c.status === ClusterStatus.Terminated && c.team === 'red'));
    const prefix = await allPages('/v1/clusters?name=c-001', tokens.bob, 500);
    assert.deepEqual(names(prefix), expected((c) => live(c) && c.team === 'blue' && c.name.startsWith('c-001')));
    assert.deepEqual(names(await allPages('/v1/clusters?owner=amy', tokens.alice, 500)), expected((c) => live(c) && c.ownerName === 'amy'));
    assert.deepEqual(names(await allPages('/v1/clusters?team=blue', ADMIN_TOKEN, 500)), expected((c) => live(c) && c.team === 'blue'));
    assert.deepEqual(await allPages('/v1/clusters?team=blue', tokens.alice, 500), [], "a filter never widens the caller's scope");
    assert.deepEqual(await allPages('/v1/clusters?owner=bob', tokens.alice, 500), []);
    assert.equal((await t.call('GET', '/v1/clusters?status=RUNNING')).status, 400);
    assert.equal((await t.call('GET', '/v1/clusters?cursor=%25%25')).status, 400);
    assert.equal((await t.call('GET', '/v1/clusters?limit=501')).status, 400);
  });

  it('each row carries its resources (from the launch request for old rows) and its place in the quota queue', async () => {
    const page = await t.call('GET', '/v1/clusters?limit=100', { token: tokens.alice });
    const byName = new Map<string, Summary>(page.body.items.map((c: Summary) => [c.name, c]));
    assert.equal(byName.get(nameOf(1))?.resources, 'cpus=4+, A100:8');
    assert.equal(byName.get(nameOf(5))?.resources, 'cpus=0.5, mem=1GB');
    assert.deepEqual(byName.get(nameOf(36))?.queued, { position: 1, reason: 'waiting 36' });
    assert.deepEqual(byName.get(nameOf(16))?.queued, { position: 2, reason: 'waiting 16' });
    assert.deepEqual(byName.get(nameOf(56))?.queued, { position: 3, reason: 'waiting 56' });
    assert.ok(byName.has(nameOf(76)));
    assert.equal(byName.get(nameOf(76))?.queued, undefined, 'an admitted launch is not queued');
    assert.equal((await t.call('GET', `/v1/clusters/${nameOf(36)}`, { token: tokens.amy })).body.queued.position, 1);
  });

  it('the cost report pages the same way and prices a cluster from its chosen plan candidate', async () => {
    const items: Array<{ clusterName: string; hourlyPrice: number }> = [];
    let cursor: string | undefined;
    do {
      const res = await t.call('GET', `/v1/cost-report?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: tokens.bob });
      assert.equal(res.status, 200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(
      items.map((i) => i.clusterName),
      expected((c) => c.team === 'blue'),
    );
    const admin = await t.call('GET', '/v1/cost-report?limit=5');
    assert.equal(admin.body.items.find((i: { clusterName: string }) => i.clusterName === nameOf(4)).hourlyPrice, 2.5);
  });
});
