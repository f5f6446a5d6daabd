import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '../errors/error-codes';
import { LaunchRequestBodySchema } from './launch.dto';
import { readRestBody } from './rest-body';

function refused(raw: unknown): SkyportError {
  try {
    readRestBody(LaunchRequestBodySchema, raw);
  } catch (error) {
    assert.ok(error instanceof SkyportError && error.code === ErrorCode.InvalidRequest, String(error));
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(raw)}`);
}

describe('readRestBody with the launch body schema', () => {
  it('names the field, the value and what is expected', () => {
    assert.equal(refused({ task: 'run: x', priority: 1001 }).userMessage, '"priority" must be a whole number from -1000 to 1000 (higher launches first), not 1001');
    assert.equal(refused({ task: 'run: x', dryrun: 'yes' }).userMessage, '"dryrun" must be true or false, not "yes"');
    assert.equal(refused({ task: 'run: x', envs: { HOME: 3 } }).userMessage, "'envs.HOME' must be a string");
    assert.equal(refused({ task: 'run: x', overrides: { numNodes: 0 } }).userMessage, '"overrides.numNodes" must be at least 1, not 0');
    assert.equal(refused({ task: 'run: x', overrides: { cpus: 4 } }).userMessage, '"overrides.cpus" must be string, not 4');
  });

  it("never echoes a secret's value", () => {
    const error = refused({ task: 'run: x', secrets: { TOKEN: 12345678 } });
    assert.equal(error.userMessage, "'secrets.TOKEN' must be a string");
    assert.ok(!JSON.stringify(error.toBody()).includes('12345678'));
  });

  it('answers unknown fields first, listed in details, whatever else is wrong', () => {
    const error = refused({ task: 7, priorty: 5, dryrun: 'x' });
    assert.equal(error.userMessage, 'unknown field(s) in the request body: priorty');
    assert.deepEqual(error.details, { fields: ['priorty'] });
  });

  it('a body that is not an object, or has no task, is refused as before', () => {
    for (const raw of [null, [], 'run: x', 3]) assert.equal(refused(raw).userMessage, 'the request body must be a JSON object with a "task" field');
    assert.match(refused({}).userMessage, /^"task" is required: the task YAML as a string, or the task as an object$/);
    assert.match(refused({ task: ['run: x'] }).userMessage, /^"task" is required/);
  });

  it('fills in what the api has always assumed: autostop.down false, a null priority unset', () => {
    const body = readRestBody(LaunchRequestBodySchema, { task: { run: 'x' }, autostop: { idleMinutes: 5 }, priority: null });
    assert.deepEqual(body, { task: { run: 'x' }, autostop: { idleMinutes: 5, down: false }, priority: undefined });
    assert.match(refused({ task: 'run: x', autostop: { idleMinutes: -1 } }).userMessage, /^"autostop" must be \{"idleMinutes": <minutes ≥ 0>, "down": <bool>\}, not -1$/);
  });
});
