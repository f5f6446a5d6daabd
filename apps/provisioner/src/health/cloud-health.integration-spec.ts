import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { EC2Client, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { ClusterStatus, JobStatus, RequestStatus } from '@skyport/contracts';
import { AwsProvider, generateSshKey } from '@skyport/cloud-aws';
import { motoProviderOptions, testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { freePort } from '@skyport/dev-stack';
import { CloudInstanceEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import type { DataSource } from 'typeorm';
import type { ProvisionerConfig } from '../config';
import { CloudHealthService } from './cloud-health.service';

const region = 'us-east-1';
const logger = createLogger('cloud-health-test', 'silent');

/**
 * The cloud health pass against EC2 from moto on 127.0.0.1 (started by testAwsEndpoint as every moto suite does)
 * and a fresh Postgres database. Each test makes VMs of its own (cluster names with a random suffix, so VMs other
 * suites left in moto never match), then asks moto to terminate or stop them and runs a pass — no timing involved:
 * the pass reads what moto says at that moment. The leader-wiring test waits for its condition.
 */
describe('cloud cluster health: spot interruption on AWS (moto + Postgres)', { timeout: 240_000 }, () => {
  const suffix = randomBytes(3).toString('hex');
  let db: MigratedTestDatabase;
  let ds: DataSource;
  let aws: AwsProvider;
  let ec2: EC2Client;
  const made: Array<{ cluster: string }> = [];

  const config = (over: Partial<ProvisionerConfig> = {}) => ({ SKYPORT_DATABASE_URL: db.url, SKYPORT_CLUSTER_HEALTH_SECONDS: 3600, ...over }) as unknown as ProvisionerConfig;

  before(async () => {
    const endpoint = testAwsEndpoint();
    db = await migratedTestDatabase('cloud_health');
    ds = db.ds;
    // Retries (the SDK's, for a moto answer lost under load) and a long wait for 'running': a loaded CI machine.
    aws = new AwsProvider(motoProviderOptions({ endpoint, runningTimeoutMs: 60_000, maxAttempts: 3 }), generateSshKey('skyport-test'));
    ec2 = new EC2Client({ region, endpoint, credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' }, maxAttempts: 3 });
  });

  after(async () => {
    for (const { cluster } of made) await aws.terminate(cluster, region, { waitMs: 0 }).catch(() => undefined);
    ec2?.destroy();
    aws?.close();
    await db?.drop();
  });

  /** An UP AWS cluster as the provisioner records it: VMs in moto, their rows, a RUNNING job and its request. */
  async function upCluster(label: string, numNodes = 1, useSpot = true): Promise<{ cluster: string; instanceIds: string[]; requestId: string }> {
    const cluster = `ch-${label}-${suffix}`;
    made.push({ cluster });
    const launched = await aws.launch({ clusterName: cluster, region, instanceType: 'm5.large', numNodes, useSpot });
    const requestId = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', '{}', 'alice')`, [requestId, cluster]);
    await ds.query(`INSERT INTO clusters (name, phase, owner, request_id, infra, num_nodes, updated_at) VALUES ($1, 'UP', 'alice', $2, $3, $4, now() - interval '1 minute')`, [
      cluster,
      requestId,
      `aws/${region}`,
      numNodes,
    ]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'RUNNING', $2, '{}')`, [cluster, requestId]);
    await ds.getRepository(CloudInstanceEntity).insert(
      launched.instances.map((i) => ({ provider: 'aws', region, instanceId: i.instanceId, clusterName: cluster, nodeRank: i.rank, instanceType: 'm5.large', useSpot, state: i.state, sshUser: 'ubuntu' })),
    );
    return { cluster, instanceIds: launched.instances.map((i) => i.instanceId), requestId };
  }

  const clusterRow = async (name: string) => (await ds.query(`SELECT status, status_reason FROM clusters WHERE name = $1`, [name]))[0] as { status: string; status_reason: string | null };

  test('a spot VM terminated by EC2 (moto TerminateInstances): its cluster FAILED with the reason, its job FAILED_DRIVER, its request FAILED; a healthy cluster untouched', async () => {
    const hit = await upCluster('spot', 2);
    const healthy = await upCluster('healthy');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [hit.instanceIds[1]!] }));
    const health = new CloudHealthService(ds, aws, config(), logger);
    const lost = await health.pass();
    assert.deepEqual(lost.map((l) => l.cluster), [hit.cluster]);
    const row = await clusterRow(hit.cluster);
    assert.equal(row.status, ClusterStatus.Failed);
    assert.match(row.status_reason ?? '', new RegExp(`spot VM ${hit.instanceIds[1]} in us-east-1 is (terminated|shutting-down) \\(spot interruption`));
    assert.doesNotMatch(row.status_reason ?? '', new RegExp(hit.instanceIds[0]!), 'the VM still running is not named');
    const [job] = await ds.query(`SELECT status FROM jobs WHERE cluster_name = $1`, [hit.cluster]);
    assert.equal(job.status, JobStatus.FailedDriver);
    const [request] = await ds.query(`SELECT status FROM requests WHERE id = $1`, [hit.requestId]);
    assert.equal(request.status, RequestStatus.Failed);
    const events = await ds.query(`SELECT type FROM events WHERE cluster_name = $1 ORDER BY id`, [hit.cluster]);
    assert.deepEqual(events.map((e: { type: string }) => e.type), ['job.failed', 'cluster.failed']);
    assert.equal((await clusterRow(healthy.cluster)).status, ClusterStatus.Up);
    assert.deepEqual(await health.pass(), [], 'a FAILED cluster is not marked again');
  });

  test('VMs stopping or stopped (Skyport stops VMs itself) and a cluster being taken down are not a loss', async () => {
    const stopped = await upCluster('stopped', 1, false);
    await ec2.send(new StopInstancesCommand({ InstanceIds: stopped.instanceIds }));
    const goingDown = await upCluster('down');
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, body_hash, payload, owner) VALUES ($1, 'down', 'RUNNING', $2, 'h', '{}', 'alice')`, [randomUUID(), goingDown.cluster]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: goingDown.instanceIds }));
    const lost = await new CloudHealthService(ds, aws, config(), logger).pass();
    assert.deepEqual(lost.filter((l) => l.cluster === stopped.cluster || l.cluster === goingDown.cluster), []);
    assert.equal((await clusterRow(stopped.cluster)).status, ClusterStatus.Up);
    assert.equal((await clusterRow(goingDown.cluster)).status, ClusterStatus.Up);
  });

  test('EC2 unreachable: the region is skipped, nothing is taken as a loss', async () => {
    const gone = await upCluster('unreach');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: gone.instanceIds }));
    // Nothing listens on this port of 127.0.0.1: every EC2 call fails at once.
    const dead = new AwsProvider(motoProviderOptions({ endpoint: `http://127.0.0.1:${await freePort()}` }), generateSshKey('skyport-test'));
    try {
      assert.deepEqual(await new CloudHealthService(ds, dead, config(), logger).pass(), []);
      assert.equal((await clusterRow(gone.cluster)).status, ClusterStatus.Up);
    } finally {
      dead.close();
    }
    // With EC2 answering again, the same pass finds the loss.
    const lost = await new CloudHealthService(ds, aws, config(), logger).pass();
    assert.deepEqual(lost.map((l) => l.cluster), [gone.cluster]);
  });

  test('as a service: two replicas, one holds provisioner.cloud-health and its periodic pass marks the loss', async () => {
    const hit = await upCluster('lease');
    const replicas = [new CloudHealthService(ds, aws, config({ SKYPORT_CLUSTER_HEALTH_SECONDS: 1 }), logger), new CloudHealthService(ds, aws, config({ SKYPORT_CLUSTER_HEALTH_SECONDS: 1 }), logger)];
    try {
      for (const r of replicas) await r.onApplicationBootstrap();
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: hit.instanceIds }));
      const deadline = Date.now() + 90_000;
      while ((await clusterRow(hit.cluster)).status !== ClusterStatus.Failed) {
        assert.ok(Date.now() < deadline, `cluster ${hit.cluster} still ${(await clusterRow(hit.cluster)).status} after 90 s`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const events = await ds.query(`SELECT count(*)::int AS n FROM events WHERE cluster_name = $1 AND type = 'cluster.failed'`, [hit.cluster]);
      assert.equal(events[0].n, 1, 'marked once, by one replica');
    } finally {
      for (const r of replicas) await r.onApplicationShutdown();
    }
  });
});
