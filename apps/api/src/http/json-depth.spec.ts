import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDepthOver } from './json-depth';

describe('jsonDepthOver (request bodies are refused before JSON.parse recurses)', () => {
  const over = (text: string, limit: number) => jsonDepthOver(Buffer.from(text), limit);

  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    assert.equal(over('{"a":[{"b":1}]}', 3), false);
    assert.equal(over('{"a":[{"b":[1]}]}', 3), true);
    assert.equal(over('{"s":"[[[[[[[[[[{{{{{{"}', 1), false);
    assert.equal(over('{"s":"\\"[[[[[[["}', 1), false);
    assert.equal(over('[[[]],[[]]]', 3), false);
  });

  it('refuses a 200k-deep body in a few milliseconds', () => {
    const text = `{"task":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const started = process.hrtime.bigint();
    assert.equal(over(text, 64), true);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 200);
  });
});
