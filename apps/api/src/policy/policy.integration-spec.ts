import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'resources:\n  cpus: 1\nrun: echo hi\n';
const withKube = (kube: string) => `${TASK}config:\n  kubernetes:\n${kube.replace(/^/gm, '    ')}\n`;

describe('task policy, bounds and tenancy at the api (api process, real Postgres; nothing written on refusal)', () => {
  let t: ApiUnderTest;
  let user: { token: string; userId: string };
  let loner: { token: string };
  let bare: { token: string };
  const rows = async (): Promise<number> =>
    Number((await t.pg.query('SELECT (SELECT count(*) FROM requests) + (SELECT count(*) FROM clusters) + (SELECT count(*) FROM outbox) AS n')).rows[0].n);
  const launch = (token: string, name: string, task: unknown, extra: Record<string, unknown> = {}) =>
    t.call('POST', `/v1/clusters/${name}/launch`, { token, body: { task, ...extra } });

  before(async () => {
    t = await startApiUnderTest('api_policy');
    user = await t.userIn('pol-a', 'pia'); // the harness grants team pol-a the namespace local/pol-a
    await t.userIn('pol-b', 'pete');
    // A team without namespaces, and a user without a team.
    assert.equal((await t.call('POST', '/v1/teams', { body: { name: 'pol-empty' } })).status, 201);
    assert.equal((await t.call('POST', '/v1/users', { body: { name: 'ned', team: 'pol-empty' } })).status, 201);
    loner = { token: (await t.call('POST', '/v1/tokens', { body: { user: 'ned' } })).body.token };
    assert.equal((await t.call('POST', '/v1/users', { body: { name: 'nobody' } })).status, 201);
    bare = { token: (await t.call('POST', '/v1/tokens', { body: { user: 'nobody' } })).body.token };
  });

  after(async () => {
    await t?.stop();
  });

  it('refuses each denied pod_config field with 403 naming the field and the rule, and writes nothing', async () => {
    const before = await rows();
    const cases: Array<[string, string, string]> = [
      ['pod_config:\n  spec:\n    containers:\n      - securityContext:\n          privileged: true', 'config.kubernetes.pod_config.spec.containers[0].securityContext.privileged', 'policy.allow_privileged'],
      ['pod_config:\n  spec:\n    volumes:\n      - name: root\n        hostPath:\n          path: /', 'config.kubernetes.pod_config.spec.volumes[0].hostPath', 'policy.allow_host_path'],
      ['pod_config:\n  spec:\n    hostPID: true', 'config.kubernetes.pod_config.spec.hostPID', 'policy.allow_host_namespaces'],
      ['pod_config:\n  spec:\n    serviceAccountName: default\n    automountServiceAccountToken: true', 'config.kubernetes.pod_config.spec.serviceAccountName', 'policy.allow_service_account'],
      ['namespace: pol-b', 'config.kubernetes.namespace', 'policy.allow_namespace_override'],
      ['autoscaler: karpenter', 'config.kubernetes.autoscaler', 'policy.allow_autoscaler_override'],
      ['provision_timeout: 86400', 'config.kubernetes.provision_timeout', 'policy.max_provision_timeout'],
    ];
    for (const [kube, path, rule] of cases) {
      const res = await launch(user.token, 'pol-denied', withKube(kube));
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.code, 'FORBIDDEN');
      assert.equal(res.body.details.reason, 'POLICY_DENIED');
      assert.ok(res.body.message.includes(path) && res.body.message.includes(rule), res.body.message);
      // The dry run is refused the same way.
      assert.equal((await launch(user.token, 'pol-denied', withKube(kube), { dryrun: true })).status, 403);
    }
    assert.equal(await rows(), before);
  });

  it("accepts the team's own namespace and an ordinary pod_config", async () => {
    const res = await launch(user.token, 'pol-own', withKube('namespace: pol-a\npod_config:\n  spec:\n    containers:\n      - resources:\n          limits:\n            memory: 1Gi'));
    assert.equal(res.status, 202, JSON.stringify(res.body));
  });

  it('answers 400 naming the bound for num_nodes (launch and dry run) and a 200k-deep body', async () => {
    const before = await rows();
    for (const dryrun of [false, true]) {
      const res = await launch(user.token, 'pol-huge', `num_nodes: 1000000\n${TASK}`, { dryrun });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.message, /num_nodes\b.*: 1000000 is above the limit of 512 \(bound num_nodes ≤ 512/);
    }
    const overridden = await launch(user.token, 'pol-huge', TASK, { overrides: { numNodes: 1_000_000 } });
    assert.equal(overridden.status, 400);
    const deep = `{"task":{"run":"x","config":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    const res = await t.call('POST', '/v1/clusters/pol-deep/launch', { token: user.token, body: deep });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.message, /nested more than 64 levels deep \(bound max_json_depth/);
    assert.equal(await rows(), before);
  });

  it("an admin's team policy lets that team through, and only that team", async () => {
    const hostPath = withKube('pod_config:\n  spec:\n    volumes:\n      - name: data\n        hostPath:\n          path: /data');
    const put = await t.call('PUT', '/v1/teams/pol-a/policy', { body: { allow_host_path: true, max_num_nodes: 4 } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.effective.allow_host_path, true);
    assert.equal(put.body.effective.allow_privileged, false);
    assert.equal((await launch(user.token, 'pol-hostpath', hostPath)).status, 202);
    const five = await launch(user.token, 'pol-five', `num_nodes: 5\n${TASK}`);
    assert.equal(five.status, 400);
    assert.match(five.body.message, /limit of 4/);
    const mine = await t.call('GET', '/v1/policy', { token: user.token });
    assert.equal(mine.body.policy.allow_host_path, true);
    assert.equal(mine.body.tenancy, true);
    assert.equal((await t.call('PUT', '/v1/teams/pol-a/policy', { token: user.token, body: { allow_privileged: true } })).status, 403);
    const bad = await t.call('PUT', '/v1/teams/pol-a/policy', { body: { allow_privilegd: true } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /allow_privilegd/);
    assert.equal((await t.call('PUT', '/v1/teams/nope/policy', { body: {} })).status, 404);
    assert.equal((await t.call('DELETE', '/v1/teams/pol-a/policy')).body.effective.allow_host_path, false);
  });

  it('with tenancy on, a team without namespaces and a user without a team get none (403, nothing written)', async () => {
    const before = await rows();
    const noNs = await launch(loner.token, 'pol-loner', TASK);
    assert.equal(noNs.status, 403);
    assert.match(noNs.body.message, /team 'pol-empty' has no Kubernetes namespace .* PUT \/v1\/teams\/pol-empty\/namespaces/);
    const noTeam = await launch(bare.token, 'pol-bare', TASK);
    assert.equal(noTeam.status, 403);
    assert.match(noTeam.body.message, /in no team/);
    assert.equal(await rows(), before);
  });
});
