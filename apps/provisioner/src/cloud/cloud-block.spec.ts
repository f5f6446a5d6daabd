import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { blockedByFailure, providerUnavailableError, type CloudCandidate } from './cloud-block';

const c = (provider: string, region: string, type: string): CloudCandidate => ({ candidateId: `${provider}/${region}/${type}`, provider, region, instanceType: type, useSpot: false });
const plan = [c('aws', 'us-east-1', 'p4d.24xlarge'), c('aws', 'us-east-1', 'p5.48xlarge'), c('aws', 'us-west-2', 'p4d.24xlarge'), c('gcp', 'us-central1', 'a2-highgpu-8g')];
const err = (scope: string) => new SkyportError(ErrorCode.NoFeasibleResources, `blocked (${scope})`, { provider: 'aws', kind: 'x', scope });

test('a capacity error blocks the candidate only', () => {
  assert.deepEqual(blockedByFailure(plan[0]!, err('candidate'), plan).map((b) => b.candidateId), ['aws/us-east-1/p4d.24xlarge']);
});

test('a quota error blocks every candidate of the region', () => {
  assert.deepEqual(blockedByFailure(plan[0]!, err('region'), plan).map((b) => b.candidateId), ['aws/us-east-1/p4d.24xlarge', 'aws/us-east-1/p5.48xlarge']);
});

test('an auth error blocks the whole cloud, with the reason on each', () => {
  const blocked = blockedByFailure(plan[0]!, err('cloud'), plan);
  assert.deepEqual(blocked.map((b) => b.candidateId), ['aws/us-east-1/p4d.24xlarge', 'aws/us-east-1/p5.48xlarge', 'aws/us-west-2/p4d.24xlarge']);
  assert.ok(blocked.every((b) => b.reason === 'blocked (cloud)'));
});

test('GCP: provider not available, for the whole provider', () => {
  const e = providerUnavailableError(plan[3]!, new Set(['aws']));
  assert.equal(e.code, ErrorCode.ProviderUnavailable);
  assert.match(e.userMessage, /^GCP is a catalog candidate only: .*\(provider not available\)\.$/);
  assert.deepEqual(blockedByFailure(plan[3]!, e, plan).map((b) => b.candidateId), ['gcp/us-central1/a2-highgpu-8g']);
  assert.match(providerUnavailableError(plan[0]!, new Set()).userMessage, /AWS is not enabled on this Skyport \(set SKYPORT_CLOUD_PROVIDERS=aws/);
});
