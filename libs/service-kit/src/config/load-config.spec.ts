import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfigSchema, ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('returns typed values with defaults', () => {
    const config = loadConfig('svc', baseConfigSchema, { SKYPORT_DATABASE_URL: 'postgres://u@h:1/d', SKYPORT_REDIS_URL: 'redis://h:2' });
    assert.equal(config.SKYPORT_BIND_HOST, '127.0.0.1');
    assert.equal(config.SKYPORT_LOG_LEVEL, 'info');
  });

  it('names every missing or invalid variable, once each', () => {
    try {
      loadConfig('svc', baseConfigSchema, { SKYPORT_REDIS_URL: 'http://nope', SKYPORT_LOG_LEVEL: 'loud' });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        error.lines.map((l) => l.split(' ')[3]),
        ['SKYPORT_DATABASE_URL', 'SKYPORT_REDIS_URL', 'SKYPORT_LOG_LEVEL'],
      );
      assert.match(error.lines[0], /SKYPORT_DATABASE_URL is required/);
      assert.match(error.lines[1], /SKYPORT_REDIS_URL is invalid/);
    }
  });

  it('an empty SKYPORT_* variable is unset (compose passes ${VAR:-}): the default applies, a required one is named', () => {
    const config = loadConfig('svc', baseConfigSchema, { SKYPORT_DATABASE_URL: 'postgres://u@h:1/d', SKYPORT_REDIS_URL: 'redis://h:2', SKYPORT_BIND_HOST: '', SKYPORT_LOG_LEVEL: '', SKYPORT_HEALTH_PORT: '' });
    assert.equal(config.SKYPORT_BIND_HOST, '127.0.0.1');
    assert.equal(config.SKYPORT_LOG_LEVEL, 'info');
    assert.equal(config.SKYPORT_HEALTH_PORT, undefined, "'' is not port 0");
    assert.throws(() => loadConfig('svc', baseConfigSchema, { SKYPORT_DATABASE_URL: '', SKYPORT_REDIS_URL: 'redis://h:2' }), /SKYPORT_DATABASE_URL is required/);
  });
});
