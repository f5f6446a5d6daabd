import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobMissingBodySchema, MAX_DIGESTS_PER_QUERY } from './blob.dto';
import { readRestBody } from './rest-body';
import { refusal } from './rest-body.testing';

const DIGEST = 'a'.repeat(64);
const RULE = `send {"digests": [...]}: at most ${MAX_DIGESTS_PER_QUERY} sha256 digests (64 lower-case hex digits)`;

describe('blob bodies', () => {
  it('missing: at most 100,000 sha256 digests', () => {
    assert.deepEqual(readRestBody(BlobMissingBodySchema, { digests: [DIGEST] }), { digests: [DIGEST] });
    assert.equal(refusal(BlobMissingBodySchema, {}), RULE);
    assert.equal(refusal(BlobMissingBodySchema, null), RULE);
    assert.equal(refusal(BlobMissingBodySchema, { digests: [DIGEST, 'A'.repeat(64)] }), `${RULE}; not "${'A'.repeat(38)}…`);
    assert.equal(refusal(BlobMissingBodySchema, { digests: Array(MAX_DIGESTS_PER_QUERY + 1).fill(DIGEST) }), RULE);
  });
});
