import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken, looksLikeToken, newToken, tokenPrefix } from './token-secret';

describe('bearer tokens', () => {
  it('are random, stored as a hash, listed by a short prefix', () => {
    const a = newToken();
    const b = newToken();
    assert.notEqual(a, b);
    assert.match(a, /^skp_[A-Za-z0-9_-]{40}$/);
    assert.ok(looksLikeToken(a));
    assert.match(hashToken(a), /^[0-9a-f]{64}$/);
    assert.ok(!hashToken(a).includes(a.slice(4)));
    assert.equal(tokenPrefix(a), a.slice(0, 10));
    assert.ok(!looksLikeToken('short') && !looksLikeToken('has spaces in it, twenty chars'));
  });
});
