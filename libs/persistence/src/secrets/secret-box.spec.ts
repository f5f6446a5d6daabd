import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openSecrets, parseSecretsKey, sealSecrets, secretsKeyProblem } from './secret-box';

describe('secret box (AES-256-GCM, key from SKYPORT_SECRETS_KEY)', () => {
  const key = randomBytes(32);

  it('seals to text without the plaintext and opens back, for the same request only', () => {
    const sealed = sealSecrets(key, 'req-1', { WANDB_API_KEY: 'hunter2-secret', B: 'é ünïcode' });
    assert.match(sealed, /^v1\.[^.]+\.[^.]+\.[^.]+$/);
    assert.ok(!sealed.includes('hunter2') && !sealed.includes('WANDB'));
    assert.deepEqual(openSecrets(key, 'req-1', sealed), { WANDB_API_KEY: 'hunter2-secret', B: 'é ünïcode' });
    assert.notEqual(sealSecrets(key, 'req-1', { A: 'x' }), sealSecrets(key, 'req-1', { A: 'x' }), 'a fresh IV each time');
    assert.throws(() => openSecrets(key, 'req-2', sealed), /do not open with this SKYPORT_SECRETS_KEY/, 'bound to its request');
    assert.throws(() => openSecrets(randomBytes(32), 'req-1', sealed), /SKYPORT_SECRETS_KEY/);
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64');
    flipped[0] ^= 1;
    assert.throws(() => openSecrets(key, 'req-1', [v, iv, tag, flipped.toString('base64')].join('.')), /do not open/, 'tampering is detected');
    assert.throws(() => openSecrets(key, 'req-1', '{"A":"plain"}'), /not in a known sealed form/);
  });

  it('the key must be 32 bytes of base64; errors name the variable and never echo the value', () => {
    assert.equal(parseSecretsKey(undefined), undefined);
    assert.equal(parseSecretsKey('  '), undefined);
    assert.equal(parseSecretsKey(key.toString('base64'))?.length, 32);
    assert.equal(parseSecretsKey(key.toString('base64url'))?.length, 32);
    for (const bad of ['short', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'not base64 at all!!']) {
      assert.throws(() => parseSecretsKey(bad), (e: Error) => /SKYPORT_SECRETS_KEY must be 32 random bytes in base64/.test(e.message) && !e.message.includes(bad));
    }
  });

  it('at start: a bad key is always an error, a missing one only in production', () => {
    assert.equal(secretsKeyProblem(undefined, 'development'), undefined);
    assert.match(secretsKeyProblem(undefined, 'production') ?? '', /SKYPORT_SECRETS_KEY is not set/);
    assert.match(secretsKeyProblem('nope', undefined) ?? '', /SKYPORT_SECRETS_KEY must be/);
    assert.equal(secretsKeyProblem(key.toString('base64'), 'production'), undefined);
  });
});
