import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ErrorCode, isSkyportError } from '@skyport/contracts';
import { cloudBlockOf } from '../errors/ec2-error.translator';
import { generateSshKey } from '../key-pair/ssh-key';
import { motoProviderOptions, setMotoAuth, testAwsEndpoint } from '../testing/moto';
import { AwsProvider } from './aws-provider';

// Real EC2 API semantics from moto's server on 127.0.0.1. Nothing here connects to the addresses moto hands out.
const region = 'us-east-1';
const suffix = randomBytes(3).toString('hex');
const name = (s: string) => `it-${s}-${suffix}`;

describe('AwsProvider against moto', () => {
  const key = generateSshKey('skyport-test');
  let provider: AwsProvider;
  let raw: EC2Client;

  before(() => {
    const opts = motoProviderOptions();
    provider = new AwsProvider(opts, key);
    raw = new EC2Client({ region, endpoint: opts.endpoint, credentials: opts.credentials });
  });
  after(() => {
    provider.close();
    raw.destroy();
  });

  async function tagged(cluster: string) {
    const res = await raw.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:skyport-cluster', Values: [cluster] }] }));
    return (res.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  }

  test('launch: spot, 2 nodes, tags, key pair, security group with the task ports; terminate removes all', async () => {
    const cluster = name('spot');
    const launched = await provider.launch({ clusterName: cluster, region, instanceType: 'p4d.24xlarge', numNodes: 2, useSpot: true, ports: [{ from: 8888, to: 8888 }, { from: 9000, to: 9010 }] });
    assert.equal(launched.instances.length, 2);
    assert.deepEqual(launched.instances.map((i) => i.rank), [0, 1]);
    for (const i of launched.instances) {
      assert.equal(i.state, 'running');
      assert.equal(i.instanceType, 'p4d.24xlarge');
      assert.equal(i.spot, true);
      assert.ok(i.publicIp && i.privateIp, 'addresses recorded');
    }
    const described = await tagged(cluster);
    assert.equal(described.length, 2);
    for (const i of described) {
      assert.equal(i.KeyName, key.keyPairName);
      assert.equal(i.InstanceLifecycle, 'spot');
      assert.ok(i.Tags?.some((t) => t.Key === 'skyport-node-rank'));
    }
    const kp = await raw.send(new DescribeKeyPairsCommand({ KeyNames: [key.keyPairName] }));
    assert.equal(kp.KeyPairs?.length, 1);
    const sg = await raw.send(new DescribeSecurityGroupsCommand({ GroupIds: [launched.securityGroupId] }));
    const ports = (sg.SecurityGroups?.[0]?.IpPermissions ?? []).filter((p) => p.IpProtocol === 'tcp').map((p) => `${p.FromPort}-${p.ToPort}`).sort();
    assert.deepEqual(ports, ['22-22', '8888-8888', '9000-9010']);

    const first = await provider.terminate(cluster, region, { waitMs: 5_000 });
    assert.deepEqual(first.terminated.sort(), launched.instances.map((i) => i.instanceId).sort());
    assert.equal(first.securityGroup, 'deleted');
    assert.deepEqual((await tagged(cluster)).map((i) => i.State?.Name), ['terminated', 'terminated']);
    // Idempotent: nothing left, nothing to do.
    const again = await provider.terminate(cluster, region, { waitMs: 0 });
    assert.deepEqual(again, { terminated: [], securityGroup: 'absent' });
  });

  test('launch is idempotent: a redelivery finds the running instances instead of launching twice', async () => {
    const cluster = name('redeliver');
    const spec = { clusterName: cluster, region, instanceType: 't3.small', numNodes: 1, useSpot: false };
    const a = await provider.launch(spec);
    const b = await provider.launch(spec);
    assert.equal(b.instances[0]!.instanceId, a.instances[0]!.instanceId);
    assert.equal((await provider.describe(cluster, region)).length, 1);
    await provider.terminate(cluster, region, { waitMs: 5_000 });
    assert.equal((await provider.describe(cluster, region)).length, 0);
  });

  test('an instance type AWS does not offer is a blocked candidate, and the failed launch leaves nothing', async () => {
    const cluster = name('badtype');
    await assert.rejects(
      provider.launch({ clusterName: cluster, region, instanceType: 'zz9.mega', numNodes: 1, useSpot: false }),
      (e: unknown) => {
        assert.ok(isSkyportError(e));
        assert.equal(e.code, ErrorCode.NoFeasibleResources);
        assert.equal(cloudBlockOf(e)?.kind, 'unsupported');
        assert.match(e.userMessage, /AWS does not support zz9\.mega in us-east-1/);
        return true;
      },
    );
    assert.equal((await provider.describe(cluster, region)).length, 0);
    const sg = await raw.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`skyport-${cluster}`] }] }));
    assert.equal(sg.SecurityGroups?.length ?? 0, 0, 'the security group of the failed launch is deleted');
  });

  test('missing credentials: a plain-words auth block for the whole cloud', async () => {
    const noCreds = new AwsProvider(
      // What the SDK's default chain does when it finds nothing (the chain itself would also ask the instance
      // metadata service, which a test must never contact).
      motoProviderOptions({
        credentials: () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })),
      }),
      key,
    );
    try {
      await assert.rejects(noCreds.check(region), (e: unknown) => {
        assert.ok(isSkyportError(e));
        assert.equal(cloudBlockOf(e)?.kind, 'auth');
        assert.equal(cloudBlockOf(e)?.scope, 'cloud');
        assert.match(e.userMessage, /no credentials found/);
        return true;
      });
    } finally {
      noCreds.close();
    }
  });

  test('credentials AWS does not know: AuthFailure becomes an auth block, and nothing is launched', async () => {
    const cluster = name('authfail');
    await setMotoAuth(testAwsEndpoint(), true);
    try {
      await assert.rejects(provider.launch({ clusterName: cluster, region, instanceType: 't3.small', numNodes: 1, useSpot: false }), (e: unknown) => {
        assert.ok(isSkyportError(e));
        assert.equal(e.code, ErrorCode.ProviderUnavailable);
        assert.deepEqual([cloudBlockOf(e)?.kind, cloudBlockOf(e)?.scope, cloudBlockOf(e)?.awsCode], ['auth', 'cloud', 'AuthFailure']);
        assert.match(e.userMessage, /AWS rejected Skyport's credentials \(AuthFailure\)/);
        return true;
      });
    } finally {
      await setMotoAuth(testAwsEndpoint(), false);
    }
    assert.equal((await tagged(cluster)).length, 0);
  });

  test('an endpoint that does not answer: unreachable, not a crash', async () => {
    const dead = new AwsProvider(motoProviderOptions({ endpoint: 'http://127.0.0.1:9' }), key);
    try {
      await assert.rejects(dead.check(region), (e: unknown) => {
        assert.ok(isSkyportError(e));
        assert.equal(cloudBlockOf(e)?.kind, 'unreachable');
        return true;
      });
    } finally {
      dead.close();
    }
  });
});
