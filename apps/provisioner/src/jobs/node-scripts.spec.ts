import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { inNodeHome } from '@skyport/kube';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellSingleQuote } from '@skyport/contracts';
import { killJobScript, renderEnvFile, startPhaseScript, waitPhaseScript } from './node-scripts';

describe('node scripts', () => {
  it('quotes anything for sh', () => {
    const nasty = `it's "quoted" $HOME \`id\` \\ \n newline`;
    assert.equal(execFileSync('sh', ['-c', `printf %s ${shellSingleQuote(nasty)}`]).toString(), nasty);
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

  it("a job directory of another job with the same id (an earlier cluster of that name, on an adopted pod) is set aside, not taken as this job's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-node-'));
    const start = (owner: string | undefined, command: string) => execFileSync('sh', ['-s'], { cwd: dir, input: startPhaseScript(1, 'run', {}, command, owner) }).toString().trim();
    const wait = () => execFileSync('sh', ['-c', waitPhaseScript(1, 'run', 10)], { cwd: dir }).toString().trim();
    try {
      assert.equal(start('request-old', 'echo old'), 'started');
      assert.equal(wait(), 'exit 0');
      // Before: `already`, and the new job was recorded with the old one's exit 0 without having run.
      assert.equal(start('request-new', 'echo new; exit 3'), 'started');
      assert.equal(wait(), 'exit 3');
      assert.equal(readFileSync(join(dir, '.skyport/jobs/1/run.log'), 'utf8'), 'new\n');
      const aside = readdirSync(join(dir, '.skyport/jobs')).filter((f) => f.startsWith('1.replaced-'));
      assert.equal(aside.length, 1);
      assert.equal(readFileSync(join(dir, '.skyport/jobs', aside[0]!, 'run.log'), 'utf8'), 'old\n');
      // The same job again (a second replica, a restart re-attaching): still one start.
      assert.equal(start('request-new', 'echo again'), 'already');
      // A directory from before owners were written is taken as this job's, as before.
      execFileSync('sh', ['-c', 'rm -rf .skyport/jobs'], { cwd: dir });
      assert.equal(start(undefined, 'echo legacy'), 'started');
      assert.equal(start('request-any', 'echo again'), 'already');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs from $HOME, not the exec working directory, and the job lands in ~/sky_workdir (a container exec starts in /)', () => {
    const home = mkdtempSync(join(tmpdir(), 'skyport-home-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'skyport-cwd-'));
    try {
      mkdirSync(join(home, 'sky_workdir'));
      const env = { ...process.env, HOME: home };
      const script = startPhaseScript(3, 'run', {}, 'pwd; echo data > out.txt; echo "home=$HOME"');
      const [cmd, ...args] = inNodeHome(['sh', '-s']);
      assert.equal(execFileSync(cmd!, args, { cwd: elsewhere, env, input: script }).toString().trim(), 'started');
      const [wcmd, ...wargs] = inNodeHome(['sh', '-c', waitPhaseScript(3, 'run', 10)]);
      assert.equal(execFileSync(wcmd!, wargs, { cwd: elsewhere, env }).toString().trim(), 'exit 0');
      assert.equal(readFileSync(join(home, '.skyport/jobs/3/run.log'), 'utf8'), `${join(home, 'sky_workdir')}\nhome=${home}\n`);
      assert.equal(readFileSync(join(home, 'sky_workdir/out.txt'), 'utf8'), 'data\n');
      assert.equal(existsSync(join(elsewhere, '.skyport')), false);
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a home that is not writable falls back to a private directory, exported to the job', () => {
    const [cmd, ...args] = inNodeHome(['sh', '-c', 'echo "$HOME|$(pwd)"']);
    const out = execFileSync(cmd!, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent-skyport-home' } }).toString().trim();
    const [home, cwd] = out.split('|');
    assert.equal(home, cwd);
    assert.notEqual(home, '/nonexistent-skyport-home');
  });

  it('cancel kills the whole process tree: background children, a setsid grandchild, a daemonised orphan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-node-'));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return false;
      }
    };
    try {
      const job = [
        'sleep 300 & echo $! > bg.pid',
        'setsid sleep 301 & echo $! > setsid.pid',
        '( sleep 302 & echo $! > orphan.pid ) &',
        "trap '' TERM",
        'sleep 303',
      ].join('\n');
      assert.equal(execFileSync('sh', ['-s'], { cwd: dir, input: startPhaseScript(5, 'run', {}, job) }).toString().trim(), 'started');
      const pidOf = (f: string) => {
        for (let i = 0; i < 100 && !existsSync(join(dir, f)); i++) execFileSync('sleep', ['0.05']);
        return Number(readFileSync(join(dir, f), 'utf8'));
      };
      const pids = ['bg.pid', 'setsid.pid', 'orphan.pid'].map(pidOf);
      const leader = pidOf('.skyport/jobs/5/run.pid');
      assert.ok([...pids, leader].every(alive));
      assert.equal(execFileSync('sh', ['-c', killJobScript(5, 1)], { cwd: dir }).toString().trim(), 'killed');
      execFileSync('sleep', ['0.3']);
      assert.deepEqual([...pids, leader].filter(alive), []);
      assert.equal(execFileSync('sh', ['-c', waitPhaseScript(5, 'run', 1)], { cwd: dir }).toString().trim(), 'exit 143');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
