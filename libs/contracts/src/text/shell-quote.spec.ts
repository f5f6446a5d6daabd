import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellJoin, shellQuote, shellSingleQuote } from './shell-quote';

test('shellQuote leaves safe words alone and quotes the rest', () => {
  assert.equal(shellQuote('abc/def-1.2'), 'abc/def-1.2');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('a b'), "'a b'");
});

test('shellJoin: a real sh parses the line back into the same argv', () => {
  const argv = ['printf', '%s\\n', 'plain', 'two words', "quote ' inside", '$HOME', '`id`', 'new\nline', '', '*'];
  const out = execFileSync('sh', ['-c', shellJoin(argv)], { encoding: 'utf8' });
  assert.equal(out, `${argv.slice(2).join('\n')}\n`);
});

test('shellSingleQuote always quotes, so the word is taken literally (node scripts, completion words)', () => {
  assert.equal(shellSingleQuote('plain'), "'plain'");
  assert.equal(shellSingleQuote("it's"), `'it'\\''s'`);
  const out = execFileSync('sh', ['-c', `printf %s ${shellSingleQuote("$HOME `id` it's")}`], { encoding: 'utf8' });
  assert.equal(out, "$HOME `id` it's");
});
