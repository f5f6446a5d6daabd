import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { awsCredentialSource, cloudStatuses } from './cloud-status';

const home = mkdtempSync(path.join(tmpdir(), 'skyport-aws-home-'));
after(() => rmSync(home, { recursive: true, force: true }));

describe('cloud status', () => {
  it('finds AWS credentials in the environment, then in ~/.aws, never by asking the network', () => {
    assert.match(awsCredentialSource({ HOME: home, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }) ?? '', /AWS_ACCESS_KEY_ID/);
    assert.equal(awsCredentialSource({ HOME: home }), undefined);
    mkdirSync(path.join(home, '.aws'));
    writeFileSync(path.join(home, '.aws', 'credentials'), '[work]\naws_access_key_id = x\n');
    assert.match(awsCredentialSource({ HOME: home, AWS_PROFILE: 'work' }) ?? '', /profile 'work' from .*credentials/);
  });

  it('says per cloud whether Skyport can launch there and why', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'skyport-aws-none-'));
    try {
      const [aws, gcp] = cloudStatuses(['aws', 'gcp'], { providers: ['aws'], env: { HOME: empty } });
      assert.equal(aws.enabled, false);
      assert.match(aws.reason, /no credentials found: set AWS_ACCESS_KEY_ID/);
      assert.equal(gcp.enabled, false);
      assert.match(gcp.reason, /catalog only/);
      const [off] = cloudStatuses(['aws'], { providers: [], env: { HOME: empty, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
      assert.match(off.reason, /SKYPORT_CLOUD_PROVIDERS .* does not list aws/);
      const [on] = cloudStatuses(['aws'], { providers: ['aws'], awsEndpoint: 'http://127.0.0.1:5000', env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
      assert.equal(on.enabled, true);
      assert.match(on.reason, /EC2 endpoint http:\/\/127\.0\.0\.1:5000/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
