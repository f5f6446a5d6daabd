import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@skyport/contracts';
import { cloudBlockOf, translateEc2Error } from './ec2-error.translator';

// The shapes the SDK throws: a service exception named after AWS's error code, with AWS's message.
function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return Object.assign(e, { $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

const op = { action: 'RunInstances', region: 'us-east-1', instanceType: 'p4d.24xlarge', spot: true, count: 2 };

const cases: Array<{ error: unknown; kind: string; scope: string; code: ErrorCode; message: RegExp }> = [
  {
    error: awsError('InsufficientInstanceCapacity', 'We currently do not have sufficient p4d.24xlarge capacity in the Availability Zone you requested (us-east-1a).'),
    kind: 'capacity',
    scope: 'candidate',
    code: ErrorCode.NoFeasibleResources,
    message: /^AWS has no spare capacity for 2 × p4d\.24xlarge \(spot\) in us-east-1 right now \(InsufficientInstanceCapacity\)\.$/,
  },
  { error: awsError('Unsupported', 'The requested configuration is currently not supported.'), kind: 'unsupported', scope: 'candidate', code: ErrorCode.NoFeasibleResources, message: /does not support .*not supported/ },
  { error: awsError('InvalidInstanceType.NotFound', "The instance type 'zz' does not exist"), kind: 'unsupported', scope: 'candidate', code: ErrorCode.NoFeasibleResources, message: /zz' does not exist/ },
  { error: awsError('VcpuLimitExceeded', 'You have requested more vCPU capacity than your current vCPU limit of 0 allows.'), kind: 'quota', scope: 'region', code: ErrorCode.NoFeasibleResources, message: /quota in us-east-1 .*Service Quotas/ },
  { error: awsError('InstanceLimitExceeded', 'Your quota allows for 0 more running instance(s).'), kind: 'quota', scope: 'region', code: ErrorCode.NoFeasibleResources, message: /InstanceLimitExceeded/ },
  { error: awsError('AuthFailure', 'AWS was not able to validate the provided access credentials'), kind: 'auth', scope: 'cloud', code: ErrorCode.ProviderUnavailable, message: /rejected Skyport's credentials \(AuthFailure\)/ },
  {
    error: awsError('UnauthorizedOperation', 'You are not authorized to perform this operation. Encoded authorization failure message: abcDEF123'),
    kind: 'auth',
    scope: 'cloud',
    code: ErrorCode.ProviderUnavailable,
    message: /^AWS: the configured credentials are not allowed to call ec2:RunInstances \(UnauthorizedOperation\); grant it in IAM\.$/,
  },
  { error: awsError('CredentialsProviderError', 'Could not load credentials from any providers'), kind: 'auth', scope: 'cloud', code: ErrorCode.ProviderUnavailable, message: /no credentials found/ },
  { error: awsError('OptInRequired', 'You are not subscribed to this service.'), kind: 'auth', scope: 'region', code: ErrorCode.ProviderUnavailable, message: /region us-east-1 is not enabled/ },
  { error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), kind: 'unreachable', scope: 'cloud', code: ErrorCode.ProviderUnavailable, message: /cannot reach the EC2 endpoint/ },
  { error: awsError('SomethingNew', 'odd'), kind: 'unknown', scope: 'candidate', code: ErrorCode.ProviderUnavailable, message: /\(SomethingNew: odd\)/ },
];

for (const c of cases) {
  test(`translateEc2Error: ${(c.error as Error).name === 'Error' ? (c.error as Error).message : (c.error as Error).name} → ${c.kind}/${c.scope}`, () => {
    const e = translateEc2Error(c.error, op);
    assert.equal(e.code, c.code);
    assert.match(e.userMessage, c.message);
    assert.doesNotMatch(e.userMessage, /Encoded authorization/);
    const block = cloudBlockOf(e);
    assert.equal(block?.kind, c.kind);
    assert.equal(block?.scope, c.scope);
    assert.equal(block?.region, 'us-east-1');
  });
}

test('translateEc2Error passes a SkyportError through unchanged', () => {
  const first = translateEc2Error(awsError('AuthFailure', 'x'), op);
  assert.equal(translateEc2Error(first, op), first);
});
