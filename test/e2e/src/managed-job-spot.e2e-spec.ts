import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { loadOrCreateSshKey } from '@skyport/cloud-aws';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { startTestSshd, type TestSshd } from '@skyport/ssh/testing';
import { E2E_TOKEN } from './e2e-stack';
import { startManagedJobsBed, type ManagedJobsBed } from './managed-jobs-harness';

const credentials = { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' };

/**
 * A managed job on an AWS spot VM (EC2 from moto on 127.0.0.1, a local sshd standing in for every VM through the
 * provisioner's test-only SSH override), the whole control plane as processes: moto's TerminateInstances on its VM
 * — a spot interruption as EC2 reports it — makes the provisioner's cloud health pass mark the cluster FAILED, and
 * the managed job recovers on a new VM and ends SUCCEEDED.
 */
describe('managed jobs: a spot VM terminated on AWS (moto) is recovered on a new VM', { timeout: 10 * 60_000 }, () => {
  let bed: ManagedJobsBed;
  let sshd: TestSshd;
  let home: string;
  let endpoint: string;
  const vms = new Set<string>();

  before(async () => {
    endpoint = testAwsEndpoint();
    home = mkdtempSync(join(tmpdir(), 'skyport-mj-spot-'));
    const keyDir = join(home, 'ssh');
    sshd = await startTestSshd([loadOrCreateSshKey(keyDir).publicKey]);
    bed = await startManagedJobsBed('e2e_mj_spot', { env: {
      SKYPORT_ENABLED_CLOUDS: 'aws',
      SKYPORT_CLOUD_PROVIDERS: 'aws',
      SKYPORT_AWS_ENDPOINT: endpoint,
      // moto accepts any key; the SDK's chain must never look further (no instance metadata calls).
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SKYPORT_AWS_POLL_MS: '100',
      SKYPORT_AWS_SSH_USER: sshd.username,
      SKYPORT_CLOUD_KEY_DIR: keyDir,
      SKYPORT_CLOUD_SSH_TIMEOUT_MS: '30000',
      SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: `${sshd.host}:${sshd.port}`,
    } });
  });
  after(async () => {
    await bed?.stop();
    await sshd?.stop();
    for (const id of vms) rmSync(join(homedir(), '.skyport-test-vms', id), { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const api = <T>(method: string, path: string, body?: unknown) => bed.api<T>(method, path, body);
  const until = (...args: Parameters<ManagedJobsBed['until']>) => bed.until(...args);

  /** The cluster's VMs in moto (by Skyport's tag), with their states. */
  async function vmsOf(cluster: string): Promise<{ region: string; instances: Array<{ id: string; state: string }> }> {
    const view = await api<{ infra?: string }>('GET', `/v1/clusters/${cluster}`);
    const region = /^aws\/([^/]+)/.exec(view.infra ?? '')?.[1];
    assert.ok(region, `cluster ${cluster} is not on AWS: ${JSON.stringify(view)}`);
    const ec2 = new EC2Client({ region, endpoint, credentials, maxAttempts: 3 });
    try {
      const res = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:skyport-cluster', Values: [cluster] }] }));
      const instances = (res.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => ({ id: i.InstanceId!, state: i.State!.Name! }));
      instances.forEach((i) => vms.add(i.id));
      return { region, instances };
    } finally {
      ec2.destroy();
    }
  }

  it('TerminateInstances on the running job\'s spot VM: RECOVERING, a new VM, SUCCEEDED with one recovery', async () => {
    // The first attempt runs long (its "VM" is the local sshd, which moto's termination does not stop), the next finishes;
    // the cluster name tells them apart (the region us-east-1 also ends in -1, so the name is matched whole).
    const task = 'name: spot\nresources:\n  infra: aws\n  cpus: 2\n  use_spot: true\nrun: |\n  if echo "$SKYPILOT_CLUSTER_INFO" | grep -q \'"cluster_name":"sky-jobs-[0-9]*-1"\'; then sleep 120; fi\n  echo recovered on a new VM\n';
    const { id } = await api<{ id: number }>('POST', '/v1/jobs', { task });
    const running = await until(id, (j) => j.status === 'RUNNING', 'RUNNING', 180_000);
    const first = await vmsOf(running.cluster!);
    const live = first.instances.filter((i) => i.state === 'running').map((i) => i.id);
    assert.equal(live.length, 1, JSON.stringify(first));
    const ec2 = new EC2Client({ region: first.region, endpoint, credentials, maxAttempts: 3 });
    try {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: live }));
    } finally {
      ec2.destroy();
    }
    const recovering = await until(id, (j) => j.recoveryCount === 1, 'RECOVERING after its VM was terminated', 120_000);
    assert.notEqual(recovering.status, 'FAILED');
    const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED after its recovery', 240_000);
    assert.deepEqual({ recoveryCount: done.recoveryCount, restartCount: done.restartCount, cluster: done.cluster }, { recoveryCount: 1, restartCount: 0, cluster: `sky-jobs-${id}-2` });
    const second = await vmsOf(done.cluster!);
    assert.ok(second.instances.length >= 1 && second.instances.every((i) => !live.includes(i.id)), `a new VM: ${JSON.stringify(second)}`);
    const events = await fetch(`${bed.stack.apiUrl}/v1/events?since=0&follow=0&types=cluster.failed`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } });
    assert.match(await events.text(), new RegExp(`spot VM ${live[0]} in ${first.region} is (terminated|shutting-down)`), 'the loss names the VM');
  });
});
