import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestWord } from './nearest-word';

test('nearestWord suggests a plausible typo and nothing for an unrelated word', () => {
  assert.equal(nearestWord('resorces', ['resources', 'run', 'setup']), 'resources');
  assert.equal(nearestWord('completely-unrelated', ['resources', 'run']), undefined);
  assert.equal(nearestWord('anything', []), undefined);
});

test('a truncated word of three or more letters suggests the candidate it starts, unless prefixes are off', () => {
  assert.equal(nearestWord('idle', ['down', 'idle_minutes']), 'idle_minutes');
  assert.equal(nearestWord('id', ['down', 'idle_minutes']), undefined);
  assert.equal(nearestWord('idle', ['down', 'idle_minutes'], { prefixes: false }), undefined);
});

test('ignoreCase compares folded and returns the candidate as written; otherwise case counts as an edit', () => {
  assert.equal(nearestWord('a100-80g', ['A100-80GB', 'H100'], { ignoreCase: true }), 'A100-80GB');
  assert.equal(nearestWord('WORKDIR', ['workdir', 'envs']), undefined);
  assert.equal(nearestWord('WORKDIR', ['workdir', 'envs'], { ignoreCase: true }), 'workdir');
});
