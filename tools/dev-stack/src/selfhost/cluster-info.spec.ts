import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeAddress } from './cluster-info';

describe('bridgeAddress', () => {
  it("is the host's .1 on the pods' /24", () => {
    assert.equal(bridgeAddress('10.88.3.0/24'), '10.88.3.1');
  });
  it('refuses anything but a /24 network address', () => {
    assert.throws(() => bridgeAddress('10.88.3.0/16'), /unexpected pod subnet/);
    assert.throws(() => bridgeAddress(''), /unexpected pod subnet/);
  });
});
