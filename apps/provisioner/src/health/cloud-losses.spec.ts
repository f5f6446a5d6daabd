import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudInstance } from '@skyport/cloud-aws';
import { cloudLosses, type RecordedVm } from './cloud-losses';

const vm = (cluster: string, instanceId: string, region = 'us-east-1', useSpot = true): RecordedVm => ({ cluster, region, instanceId, useSpot });
const ec2 = (instanceId: string, state: string): [string, CloudInstance] => [instanceId, { instanceId, state, rank: 0, instanceType: 'm5.large', spot: true }];

test('terminated or shutting-down VMs lose their cluster, with every lost VM in the reason', () => {
  const losses = cloudLosses(
    [vm('a', 'i-1'), vm('a', 'i-2'), vm('b', 'i-3', 'us-east-1', false), vm('c', 'i-4')],
    new Set(['us-east-1']),
    new Map([ec2('i-1', 'terminated'), ec2('i-2', 'shutting-down'), ec2('i-3', 'terminated'), ec2('i-4', 'running')]),
  );
  assert.deepEqual([...losses.keys()].sort(), ['a', 'b']);
  assert.match(losses.get('a')!, /spot VM i-1 in us-east-1 is terminated \(spot interruption.*; spot VM i-2 in us-east-1 is shutting-down/);
  assert.match(losses.get('b')!, /^VM i-3 in us-east-1 is terminated \(terminated outside Skyport\)$/);
});

test('stopping, stopped and pending VMs are not a loss (Skyport stops VMs itself)', () => {
  const losses = cloudLosses([vm('a', 'i-1'), vm('a', 'i-2'), vm('a', 'i-3')], new Set(['us-east-1']), new Map([ec2('i-1', 'stopping'), ec2('i-2', 'stopped'), ec2('i-3', 'pending')]));
  assert.equal(losses.size, 0);
});

test('a VM EC2 no longer lists is lost; a region that did not answer says nothing', () => {
  const losses = cloudLosses([vm('a', 'i-1'), vm('b', 'i-2', 'eu-west-1')], new Set(['us-east-1']), new Map());
  assert.deepEqual([...losses], [['a', 'spot VM i-1 in us-east-1 no longer exists in EC2']]);
});
