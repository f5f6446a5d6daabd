import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followCommand } from './log-scripts';

/** Processes (other than `except`) whose working directory is `dir`: what a follow left running there. */
async function processesIn(dir: string, except: number[]): Promise<number[]> {
  const { readdirSync, readlinkSync } = await import('node:fs');
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && !except.includes(Number(p)))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`) === dir;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const exited = (child: ChildProcess, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('log follow script', () => {
  it('stops, with every process it started, once the reader is gone (its stdin ends) while the phase runs on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-follow-'));
    // A running phase: its lock, log and the pid of a process that stays alive (this test's own).
    mkdirSync(join(dir, '.skyport/jobs/1/run.lock'), { recursive: true });
    writeFileSync(join(dir, '.skyport/jobs/1/run.log'), 'first\n');
    writeFileSync(join(dir, '.skyport/jobs/1/run.pid'), String(process.pid));
    const [cmd, ...args] = followCommand(1, 'run', 0, true);
    const follow = spawn(cmd!, args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let out = '';
      follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
      for (let i = 0; i < 100 && !out.includes('first'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(out, 'first\n');
      assert.equal(await exited(follow, 1_500), false, 'following while the phase runs and the reader listens');
      follow.stdin.end();
      // Before: the script, its tail and its watcher ran on until the phase ended.
      assert.equal(await exited(follow, 10_000), true, 'the follow ended with its reader');
      let left: number[] = [];
      for (let i = 0; i < 50; i++) {
        left = await processesIn(dir, [process.pid]);
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(left, [], 'no tail, watcher or sleep left in the node directory');
    } finally {
      follow.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without the stdin watch (the SSH source), an ended stdin changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-follow-'));
    mkdirSync(join(dir, '.skyport/jobs/1/run.lock'), { recursive: true });
    writeFileSync(join(dir, '.skyport/jobs/1/run.log'), 'first\n');
    writeFileSync(join(dir, '.skyport/jobs/1/run.pid'), String(process.pid));
    const [cmd, ...args] = followCommand(1, 'run', 0);
    const follow = spawn(cmd!, args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      follow.stdin.end();
      assert.equal(await exited(follow, 2_000), false);
      // The phase ends: the follow ends by itself, with the size line.
      let err = '';
      follow.stderr.on('data', (d: Buffer) => (err += d.toString()));
      writeFileSync(join(dir, '.skyport/jobs/1/run.exit'), '0');
      assert.equal(await exited(follow, 10_000), true);
      assert.match(err, /^size 6$/m);
    } finally {
      follow.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
