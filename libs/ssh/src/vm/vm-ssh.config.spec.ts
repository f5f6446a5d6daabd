import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorkdir, vmAddress } from './vm-address';
import { vmSshSettings } from './vm-ssh.config';

const base = { SKYPORT_CLOUD_KEY_DIR: '/keys' };

test('no override: only the key directory', () => {
  assert.deepEqual(vmSshSettings(base, 'svc'), { keyDir: '/keys' });
  assert.deepEqual(vmSshSettings({ ...base, SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '  ' }, 'svc'), { keyDir: '/keys' });
});

test('the override is honoured only as a loopback address next to a loopback EC2 endpoint', () => {
  const moto = { ...base, SKYPORT_AWS_ENDPOINT: 'http://127.0.0.1:26450' };
  assert.deepEqual(vmSshSettings({ ...moto, SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '127.0.0.1:2222' }, 'svc').override, { host: '127.0.0.1', port: 2222 });
  assert.deepEqual(vmSshSettings({ ...moto, SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '[::1]:22' }, 'svc').override, { host: '::1', port: 22 });
  class Config extends Error {}
  const asConfig = (line: string) => new Config(line);
  assert.throws(() => vmSshSettings({ ...base, SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '127.0.0.1:2222' }, 'svc', asConfig), (e: Error) => e instanceof Config && /^svc: .*needs SKYPORT_AWS_ENDPOINT on 127\.0\.0\.1/.test(e.message));
  assert.throws(
    () => vmSshSettings({ ...base, SKYPORT_AWS_ENDPOINT: 'https://ec2.us-east-1.amazonaws.com', SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: '127.0.0.1:2222' }, 'svc'),
    /test-only setting/,
  );
  for (const bad of ['10.0.0.5:22', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'localhost:x']) {
    assert.throws(() => vmSshSettings({ ...moto, SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: bad }, 'svc'), /SKYPORT_TEST_SSH_ADDRESS_OVERRIDE is invalid/, bad);
  }
});

test('a VM is reached at its own address, or under the override at the local sshd in a directory of its own', () => {
  const vm = { instanceId: 'i-1', nodeRank: 1, publicIp: '198.51.100.7', privateIp: '10.0.0.7', sshUser: 'ubuntu', hostKeyFingerprint: null };
  assert.deepEqual(vmAddress(vm, 'aws'), { host: '198.51.100.7', port: 22, workdir: '', label: 'aws i-1 (node 1)' });
  assert.equal(vmAddress({ ...vm, publicIp: null }, 'aws').host, '10.0.0.7');
  assert.deepEqual(vmAddress(vm, 'aws', { host: '127.0.0.1', port: 2222 }), {
    host: '127.0.0.1',
    port: 2222,
    workdir: '.skyport-test-vms/i-1',
    label: 'aws i-1 (node 1) via the test SSH override',
  });
  assert.deepEqual(inWorkdir('', ['echo', 'hi']), ['echo', 'hi']);
  assert.deepEqual(inWorkdir('d', ['echo', 'hi']).slice(-3), ['d', 'echo', 'hi']);
});
