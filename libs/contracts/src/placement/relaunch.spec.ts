import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infraLocation, relaunchOf } from './relaunch';

test('a cluster infra as a location', () => {
  assert.deepEqual(infraLocation('kubernetes/kind-a'), { provider: 'kubernetes', region: 'kind-a' });
  assert.deepEqual(infraLocation('kubernetes/arn:aws:eks:us-east-1:1:cluster/x'), { provider: 'kubernetes', region: 'arn:aws:eks:us-east-1:1:cluster/x' });
  assert.deepEqual(infraLocation('aws/us-east-1'), { provider: 'aws', region: 'us-east-1' });
  assert.deepEqual(infraLocation('aws/us-east-1/us-east-1a'), { provider: 'aws', region: 'us-east-1' });
  for (const none of [null, undefined, '', 'aws', 'aws/', '/x']) assert.equal(infraLocation(none), undefined);
});

test('relaunchOf reads a well-formed relaunch only', () => {
  const lost = { provider: 'kubernetes', region: 'a' };
  assert.deepEqual(relaunchOf({ relaunch: { strategy: 'EAGER_NEXT_REGION', lost } }), { strategy: 'EAGER_NEXT_REGION', lost });
  assert.equal(relaunchOf({}), undefined);
  assert.equal(relaunchOf(null), undefined);
  assert.equal(relaunchOf({ relaunch: { strategy: 'SOMEWHERE', lost } }), undefined);
  assert.equal(relaunchOf({ relaunch: { strategy: 'FAILOVER', lost: { provider: 'aws' } } }), undefined);
});
