import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderEnvFile, shellQuote, startPhaseScript, waitPhaseScript } from './node-scripts';

describe('node scripts', () => {
  it('quotes anything for sh', () => {
    const nasty = `it's "quoted" $HOME \`id\` \\ \n newline`;
    assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`]).toString(), nasty);
  });

  it('renders exports a shell reads back exactly, skipping names it cannot export', () => {
    const file = renderEnvFile({ A: "x'y", B: 'multi\nline', 'NOT-VALID': 'z', _C1: '' });
    const out = execFileSync('sh', ['-c', `${file}\nprintf '%s|%s|%s' "$A" "$B" "$_C1"`]).toString();
    assert.equal(out, "x'y|multi\nline|");
    assert.doesNotMatch(file, /NOT-VALID/);
  });

  it('starts a phase detached once, and the wait script reports its exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-node-'));
    try {
      const script = startPhaseScript(7, 'run', { GREETING: 'hi' }, 'echo "$GREETING from $(basename "$PWD")"; exit 4');
      assert.equal(execFileSync('sh', ['-s'], { cwd: dir, input: script }).toString().trim(), 'started');
      assert.equal(execFileSync('sh', ['-s'], { cwd: dir, input: script }).toString().trim(), 'already');
      const waited = execFileSync('sh', ['-c', waitPhaseScript(7, 'run', 10)], { cwd: dir }).toString().trim();
      assert.equal(waited, 'exit 4');
      assert.equal(readFileSync(join(dir, '.skyport/jobs/7/run.log'), 'utf8'), `hi from ${dir.split('/').pop()}\n`);
      assert.equal(execFileSync('sh', ['-c', waitPhaseScript(8, 'run', 1)], { cwd: dir }).toString().trim(), 'notstarted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
