import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SkyportError } from '../errors/error-codes';
import { AutostopBodySchema, CancelBodySchema, DownBodySchema } from './cluster-actions.dto';
import { readRestBody } from './rest-body';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SkyportError);
    return error.userMessage;
  }
  assert.fail('accepted');
}

describe('cluster action bodies', () => {
  it('cancel: jobIds or all, with the messages the api has always given', () => {
    assert.deepEqual(readRestBody(CancelBodySchema, { jobIds: [1, 2] }), { jobIds: [1, 2], all: false });
    assert.deepEqual(readRestBody(CancelBodySchema, { all: true }), { all: true });
    assert.equal(message(() => readRestBody(CancelBodySchema, [])), 'the request body must be {"jobIds": [1, 2]} or {"all": true}');
    assert.equal(message(() => readRestBody(CancelBodySchema, { jobs: [1], all: 'x' })), 'unknown field(s): jobs; use "jobIds" or "all"');
    assert.equal(message(() => readRestBody(CancelBodySchema, { all: 'yes' })), '"all" must be true or false, not "yes"');
    assert.equal(message(() => readRestBody(CancelBodySchema, { jobIds: [0] })), '"jobIds" must be a list of job ids (whole numbers ≥ 1), not 0');
    assert.equal(message(() => readRestBody(CancelBodySchema, { jobIds: [] })), 'name the jobs to cancel with "jobIds", or cancel every unfinished job with "all": true');
  });

  it('down: empty or {"purge": bool}', () => {
    assert.deepEqual(readRestBody(DownBodySchema, {}), {});
    assert.deepEqual(readRestBody(DownBodySchema, { purge: true }), { purge: true });
    assert.match(message(() => readRestBody(DownBodySchema, { purge: 1 })), /^the body of a down request is empty or \{"purge": true\|false\}/);
    assert.match(message(() => readRestBody(DownBodySchema, { force: true })), /^the body of a down request is empty or \{"purge": true\|false\}/);
  });

  it('autostop: whole minutes from -1 to a year, down defaulting to false', () => {
    assert.deepEqual(readRestBody(AutostopBodySchema, { idleMinutes: -1 }), { idleMinutes: -1, down: false });
    assert.match(message(() => readRestBody(AutostopBodySchema, { idleMinutes: 1.5 })), /^"idleMinutes" must be a whole number of minutes from 0 to 525600, or -1 to turn autostop off; not 1.5$/);
    assert.equal(message(() => readRestBody(AutostopBodySchema, { idleMinutes: 5, down: 'y' })), '"down" must be true or false, not "y"');
    assert.equal(message(() => readRestBody(AutostopBodySchema, { idle: 5 })), 'unknown field(s): idle; use "idleMinutes" and "down"');
    assert.match(message(() => readRestBody(AutostopBodySchema, 'x')), /^the request body must be \{"idleMinutes": N, "down": true\|false\}/);
  });
});
