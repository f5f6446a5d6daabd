import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { startChaosStack, type ChaosStack } from './chaos-stack';
import { podsIn, runScenario, type ScenarioOutcome } from './chaos-scenarios';
import { writeReliabilityReport } from './reliability-report';

/**
 * Faults during launches against the whole control plane with two replicas of every service (real Postgres,
 * Redis and kube-apiserver behind cuttable relays, services killed with SIGKILL). Every scenario must end with
 * 0 lost requests, 0 duplicate pods and 0 orphans. `npm test` runs it with a few launches per fault;
 * SKYPORT_CHAOS_LAUNCHES=100 (and SKYPORT_CHAOS_REPORT=docs/reliability.md) is the long form.
 */
const N = Number(process.env.SKYPORT_CHAOS_LAUNCHES ?? 3);
const target = testKubeTarget();

describe('chaos: nothing lost, nothing stuck', { skip: target ? false : 'needs the local stack (npm test)' }, () => {
  let stack: ChaosStack;
  let ns: { name: string; drop: () => Promise<void> };
  const outcomes: ScenarioOutcome[] = [];

  before(async () => {
    ns = await createTestNamespace(testProvider(target!).forContext(target!.context), 'chaos');
    stack = await startChaosStack('chaos', { replicas: 2, namespace: ns.name });
  });

  after(async () => {
    if (process.env.SKYPORT_CHAOS_REPORT && outcomes.length > 0) writeReliabilityReport(process.env.SKYPORT_CHAOS_REPORT, outcomes);
    await stack?.stop();
    await ns?.drop();
  });

  function check(outcome: ScenarioOutcome): void {
    outcomes.push(outcome);
    process.stdout.write(`# ${JSON.stringify(outcome)}\n`);
    // What the services said about a launch that did not succeed, for the one reading the failure.
    const names = outcome.failed.map((f) => f.cluster).slice(0, 2);
    for (const [service, list] of stack.replicas) {
      for (const r of list) {
        const lines = r.output().split('\n').filter((l) => names.some((n) => l.includes(n))).slice(-15);
        if (lines.length) process.stdout.write(`## ${service}:\n${lines.map((l) => l.slice(0, 400)).join('\n')}\n`);
      }
    }
    assert.equal(outcome.lost, 0, `${outcome.scenario}: requests not terminal`);
    assert.equal(outcome.duplicates, 0, `${outcome.scenario}: duplicate pods`);
    assert.equal(outcome.orphans, 0, `${outcome.scenario}: orphan pods`);
    assert.deepEqual(outcome.failed, [], `${outcome.scenario}: launches that did not succeed`);
  }

  test('every provisioner replica killed -9, twice, during the launches', async () => {
    check(
      await runScenario(stack, 'provisioner killed twice', N, async () => {
        await sleep(300);
        await stack.killAll('provisioner');
        await sleep(1_500);
        await stack.killAll('provisioner');
      }),
    );
  });

  test('one replica of every service killed -9 during the launches (the other keeps serving)', async () => {
    check(
      await runScenario(stack, 'one of each killed', N, async () => {
        await sleep(300);
        for (const name of ['api', 'optimizer', 'provisioner', 'logs', 'autodown'] as const) await stack.killAndRestart(name, 0);
      }),
    );
  });

  test('Postgres unreachable for 20 s during the launches', async () => {
    check(
      await runScenario(stack, 'postgres away 20s', N, async () => {
        await sleep(500);
        await stack.relays.postgres.cut();
        await sleep(20_000);
        await stack.relays.postgres.open();
      }),
    );
  });

  test('Redis unreachable for 10 s during the launches', async () => {
    check(
      await runScenario(stack, 'redis away 10s', N, async () => {
        await sleep(500);
        await stack.relays.redis.cut();
        await sleep(10_000);
        await stack.relays.redis.open();
      }),
    );
  });

  test('the kube-apiserver unreachable for 10 s during the launches (no failover counted against the context)', async () => {
    check(
      await runScenario(stack, 'kube-apiserver away 10s', N, async () => {
        await sleep(800);
        await stack.relays.kube.cut();
        await sleep(10_000);
        await stack.relays.kube.open();
      }),
    );
  });

  test('down racing each launch: down wins, nothing is left', async () => {
    const names = Array.from({ length: N }, (_, i) => `race-${i}`);
    const accepted = await Promise.all(names.map((n) => stack.call('POST', `/v1/clusters/${n}/launch`, { task: 'resources:\n  cpus: 0.5\n  memory: 0.5\nrun: echo hi\n' })));
    for (const a of accepted) assert.equal(a.status, 202, JSON.stringify(a.body));
    const downs = await Promise.all(names.map((n) => stack.call('POST', `/v1/clusters/${n}/down`, {})));
    for (const d of downs) assert.equal(d.status, 202, JSON.stringify(d.body));
    const deadline = Date.now() + 120_000;
    let statuses: string[] = [];
    for (;;) {
      statuses = await Promise.all(names.map(async (n) => (await stack.call('GET', `/v1/clusters/${n}`)).body?.status as string));
      const launches = await Promise.all(accepted.map(async (a) => (await stack.call('GET', `/v1/requests/${a.body.requestId}`)).body?.status as string));
      if (statuses.every((s) => s === 'TERMINATED') && launches.every((s) => s === 'CANCELLED' || s === 'SUCCEEDED' || s === 'FAILED')) break;
      if (Date.now() > deadline) assert.fail(`clusters ${statuses.join(',')}, launches ${launches.join(',')}`);
      await sleep(500);
    }
    // No grace period: a launch that lost the race removes its pods before its request ends CANCELLED, and a
    // teardown ends TERMINATED once every object is gone (pods being deleted are not counted).
    const pods = await podsIn(stack)();
    assert.equal(names.reduce((s, n) => s + (pods.get(n) ?? 0), 0), 0, 'no pod of a taken-down cluster is left');
  });
});
