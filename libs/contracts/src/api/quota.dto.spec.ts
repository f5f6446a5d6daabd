import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuotaBodySchema } from './quota.dto';
import { readRestBody } from './rest-body';
import { refusal } from './rest-body.testing';

const message = (raw: unknown) => refusal(QuotaBodySchema, raw);

describe('quota body', () => {
  it('limits are numbers ≥ 0 or null; a null GPU count is 0', () => {
    assert.deepEqual(readRestBody(QuotaBodySchema, { maxCpus: 2, maxGpus: { A100: 1, '*': null }, maxClusters: null }), { maxCpus: 2, maxGpus: { A100: 1, '*': 0 }, maxClusters: null });
    assert.equal(message({ maxCpus: -1 }), '"maxCpus" must be a number ≥ 0, or null for no limit; not -1');
    assert.equal(message({ maxGpus: { A100: 'x' } }), '"maxGpus.A100" must be a number ≥ 0, or null for no limit; not "x"');
    assert.equal(message({ maxGpus: [1] }), '"maxGpus" must map accelerator names (or "*") to counts, not [1]');
    assert.equal(message({ maxClusters: 1.5 }), '"maxClusters" must be a whole number, not 1.5');
    assert.equal(message({ maxCpus: 1, gpus: 2 }), 'unknown field(s): gpus; a quota has maxCpus, maxMemoryGb, maxGpus, maxClusters, maxStorageGb');
    assert.equal(message([]), 'the request body must be a JSON object');
  });
});
