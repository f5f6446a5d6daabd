import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPullSecret, dockerConfigJson, nodeImageDefaultsFrom, pullSecretNames } from './node-image.defaults';

describe('node image defaults (SKYPORT_DEFAULT_IMAGE, SKYPORT_REGISTRY_AUTH_FILE)', () => {
  it('nothing set: no default image, no pull secret', () => {
    assert.deepEqual(nodeImageDefaultsFrom({}), {});
    assert.deepEqual(pullSecretNames(['regcred'], {}), ['regcred']);
  });

  it('reads the default image and the registry credentials as a dockerconfigjson Secret named in every pod', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-regauth-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, dockerConfigJson('127.0.0.1:5000', 'skyport', 'pw'));
      const d = nodeImageDefaultsFrom({ SKYPORT_DEFAULT_IMAGE: ' 127.0.0.1:5000/skyport/task:1 ', SKYPORT_REGISTRY_AUTH_FILE: file });
      assert.equal(d.image, '127.0.0.1:5000/skyport/task:1');
      assert.equal(d.pullSecret?.name, 'skyport-registry');
      const secret = buildPullSecret('team-a', d.pullSecret!);
      assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
      assert.equal(secret.metadata?.namespace, 'team-a');
      const auths = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString()).auths;
      assert.equal(Buffer.from(auths['127.0.0.1:5000'].auth, 'base64').toString(), 'skyport:pw');
      assert.deepEqual(pullSecretNames(['regcred', 'skyport-registry'], d), ['regcred', 'skyport-registry']);
      assert.deepEqual(pullSecretNames([], d), ['skyport-registry']);
      assert.equal(nodeImageDefaultsFrom({ SKYPORT_REGISTRY_AUTH_FILE: file, SKYPORT_REGISTRY_SECRET_NAME: 'local-reg' }).pullSecret?.name, 'local-reg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing or malformed credentials file and a bad Secret name, naming the setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-regauth-'));
    try {
      assert.throws(() => nodeImageDefaultsFrom({ SKYPORT_REGISTRY_AUTH_FILE: join(dir, 'none.json') }), /SKYPORT_REGISTRY_AUTH_FILE .* cannot be read: ENOENT/);
      writeFileSync(join(dir, 'bad.json'), 'user:pw');
      assert.throws(() => nodeImageDefaultsFrom({ SKYPORT_REGISTRY_AUTH_FILE: join(dir, 'bad.json') }), /is not JSON/);
      writeFileSync(join(dir, 'empty.json'), '{"auths":{}}');
      assert.throws(() => nodeImageDefaultsFrom({ SKYPORT_REGISTRY_AUTH_FILE: join(dir, 'empty.json') }), /no "auths" entry/);
      writeFileSync(join(dir, 'ok.json'), dockerConfigJson('r:1', 'u', 'p'));
      assert.throws(() => nodeImageDefaultsFrom({ SKYPORT_REGISTRY_AUTH_FILE: join(dir, 'ok.json'), SKYPORT_REGISTRY_SECRET_NAME: 'Bad_Name' }), /not a valid Secret name/);
      assert.throws(() => nodeImageDefaultsFrom({ SKYPORT_DEFAULT_IMAGE: 'a b' }), /not an image reference/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
