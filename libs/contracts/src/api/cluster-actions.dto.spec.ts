import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutostopBodySchema, CancelBodySchema, DownBodySchema } from './cluster-actions.dto';
import { readRestBody } from './rest-body';
import { refusal } from './rest-body.testing';

describe('cluster action bodies', () => {
  it('cancel: jobIds or all, with the messages the api has always given', () => {
    assert.deepEqual(readRestBody(CancelBodySchema, { jobIds: [1, 2] }), { jobIds: [1, 2], all: false });
    assert.deepEqual(readRestBody(CancelBodySchema, { all: true }), { all: true });
    assert.equal(refusal(CancelBodySchema, []), 'the request body must be {"jobIds": [1, 2]} or {"all": true}');
    assert.equal(refusal(CancelBodySchema, { jobs: [1], all: 'x' }), 'unknown field(s): jobs; use "jobIds" or "all"');
    assert.equal(refusal(CancelBodySchema, { all: 'yes' }), '"all" must be true or false, not "yes"');
    assert.equal(refusal(CancelBodySchema, { jobIds: [0] }), '"jobIds" must be a list of job ids (whole numbers ≥ 1), not 0');
    assert.equal(refusal(CancelBodySchema, { jobIds: [] }), 'name the jobs to cancel with "jobIds", or cancel every unfinished job with "all": true');
  });

  it('down: empty or {"purge": bool}', () => {
    assert.deepEqual(readRestBody(DownBodySchema, {}), {});
    assert.deepEqual(readRestBody(DownBodySchema, { purge: true }), { purge: true });
    assert.match(refusal(DownBodySchema, { purge: 1 }), /^the body of a down request is empty or \{"purge": true\|false\}/);
    assert.match(refusal(DownBodySchema, { force: true }), /^the body of a down request is empty or \{"purge": true\|false\}/);
  });

  it('autostop: whole minutes from -1 to a year, down defaulting to false', () => {
    assert.deepEqual(readRestBody(AutostopBodySchema, { idleMinutes: -1 }), { idleMinutes: -1, down: false });
    assert.match(refusal(AutostopBodySchema, { idleMinutes: 1.5 }), /^"idleMinutes" must be a whole number of minutes from 0 to 525600, or -1 to turn autostop off; not 1.5$/);
    assert.equal(refusal(AutostopBodySchema, { idleMinutes: 5, down: 'y' }), '"down" must be true or false, not "y"');
    assert.equal(refusal(AutostopBodySchema, { idle: 5 }), 'unknown field(s): idle; use "idleMinutes" and "down"');
    assert.match(refusal(AutostopBodySchema, 'x'), /^the request body must be \{"idleMinutes": N, "down": true\|false\}/);
  });
});
