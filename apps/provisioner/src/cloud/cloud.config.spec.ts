import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@skyport/service-kit';
import { loadCloudConfig, sshAddressOverride } from './cloud.config';

test('defaults: no cloud provider, no override', () => {
  const c = loadCloudConfig({});
  assert.deepEqual(c.SKYPORT_CLOUD_PROVIDERS, []);
  assert.equal(sshAddressOverride(c), undefined);
  assert.equal(c.SKYPORT_AWS_SSH_USER, 'ubuntu');
});

test('the SSH override works only next to a loopback EC2 endpoint', () => {
  const ok = loadCloudConfig({ SKYPORT_AWS_ENDPOINT: 'http://127.0.0.1:26450', SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '127.0.0.1:2222' });
  assert.deepEqual(sshAddressOverride(ok), { host: '127.0.0.1', port: 2222 });
  // Real AWS (no endpoint) or a remote endpoint: refused at boot, naming the variable.
  for (const env of [
    { SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '127.0.0.1:2222' },
    { SKYPORT_AWS_ENDPOINT: 'https://ec2.us-east-1.amazonaws.com', SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '127.0.0.1:2222' },
  ]) {
    assert.throws(() => loadCloudConfig(env), (e: unknown) => e instanceof ConfigError && /SKYPORT_TEST_SSH_ADDRESS_OVERRIDE is a test-only setting/.test(e.message));
  }
  // Only a loopback target.
  assert.throws(
    () => loadCloudConfig({ SKYPORT_AWS_ENDPOINT: 'http://127.0.0.1:26450', SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '10.0.0.5:22' }),
    (e: unknown) => e instanceof ConfigError && /expected 127\.0\.0\.1:<port>/.test(e.message),
  );
});

test('providers other than aws and bad AMI lists are configuration errors', () => {
  assert.throws(() => loadCloudConfig({ SKYPORT_CLOUD_PROVIDERS: 'aws,gcp' }), /SKYPORT_CLOUD_PROVIDERS is invalid/);
  assert.throws(() => loadCloudConfig({ SKYPORT_AWS_IMAGE_IDS: 'us-east-1' }), /SKYPORT_AWS_IMAGE_IDS is invalid/);
  assert.deepEqual(loadCloudConfig({ SKYPORT_AWS_IMAGE_IDS: 'us-east-1=ami-123, *=ami-abc' }).SKYPORT_AWS_IMAGE_IDS, { 'us-east-1': 'ami-123', '*': 'ami-abc' });
});
