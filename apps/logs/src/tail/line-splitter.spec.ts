import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitLines, truncationMarker } from './line-splitter';

const opts = { lineCap: 10, final: false };

describe('splitLines', () => {
  it('returns complete lines and leaves a partial line unconsumed', () => {
    const r = splitLines(Buffer.from('a\nbb\r\nccc'), { skipping: false }, opts);
    assert.deepEqual(r.lines, ['a', 'bb']);
    assert.equal(r.consumed, 6);
    assert.equal(r.skipping, false);
  });

  it('takes the partial last line when the producer has finished', () => {
    const r = splitLines(Buffer.from('a\nccc'), { skipping: false }, { ...opts, final: true });
    assert.deepEqual(r.lines, ['a', 'ccc']);
    assert.equal(r.consumed, 5);
  });

  it('cuts an over-long line at the cap with a marker', () => {
    const r = splitLines(Buffer.from('0123456789abcdef\nok\n'), { skipping: false }, opts);
    assert.deepEqual(r.lines, [`0123456789${truncationMarker(10)}`, 'ok']);
    assert.equal(r.consumed, 20);
  });

  it('skips the rest of an over-long line across reads', () => {
    const first = splitLines(Buffer.from('0123456789abc'), { skipping: false }, opts);
    assert.deepEqual(first.lines, [`0123456789${truncationMarker(10)}`]);
    assert.equal(first.consumed, 13);
    assert.equal(first.skipping, true);
    const second = splitLines(Buffer.from('defgh'), { skipping: true }, opts);
    assert.deepEqual(second.lines, []);
    assert.equal(second.consumed, 5);
    assert.equal(second.skipping, true);
    const third = splitLines(Buffer.from('ij\nnext\n'), { skipping: true }, opts);
    assert.deepEqual(third.lines, ['next']);
    assert.equal(third.skipping, false);
  });

  it('replaces NUL and invalid UTF-8, and summarises binary lines', () => {
    const r = splitLines(Buffer.concat([Buffer.from('a\0b\n'), Buffer.from([0xff, 0x41, 0x0a]), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 0x0a])]), { skipping: false }, opts);
    assert.deepEqual(r.lines, ['a\uFFFDb', '\uFFFDA', '[binary output: 8 bytes]']);
  });
});
