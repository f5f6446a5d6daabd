import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signPayload, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 and verifies within the tolerance only', () => {
    const header = signPayload('whsec_k', '{"a":1}', 1_800_000_000);
    assert.equal(header, `t=1800000000,v1=${createHmac('sha256', 'whsec_k').update('1800000000.{"a":1}').digest('hex')}`);
    assert.ok(verifySignature('whsec_k', '{"a":1}', header, 300, 1_800_000_100));
    assert.ok(!verifySignature('whsec_k', '{"a":2}', header, 300, 1_800_000_100), 'another body');
    assert.ok(!verifySignature('whsec_other', '{"a":1}', header, 300, 1_800_000_100), 'another secret');
    assert.ok(!verifySignature('whsec_k', '{"a":1}', header, 300, 1_800_000_400), 'too old: a replay');
    assert.ok(!verifySignature('whsec_k', '{"a":1}', 'garbage', 300, 1_800_000_000));
  });
});
