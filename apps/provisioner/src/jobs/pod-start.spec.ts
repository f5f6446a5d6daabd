import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killJobScript, startPhaseScript } from './node-scripts';
import { START_LINE, START_MOUNT, canStartInPod, podStartCommand, podStartParts, type PodStartInput } from './pod-start';
import { kubeletExpand } from '@skyport/kube/testing';

/** Runs a node's container command as a pod would (HOME, the mounts under SKYPORT_MOUNT_ROOT as the KWOK harness has them). */
function runNode(input: PodStartInput, ip = '10.0.0.5') {
  const home = mkdtempSync(join(tmpdir(), 'skyport-podstart-'));
  const mounts = join(home, 'mounts');
  mkdirSync(join(mounts, START_MOUNT), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: home, SKYPORT_POD_IP: ip, SKYPORT_MOUNT_ROOT: mounts };
  // As a kubelet hands it over: with its $(VAR) and $$ expansion (the pod's own variable is SKYPORT_POD_IP).
  const [cmd, ...args] = podStartCommand(input).map((arg) => kubeletExpand(arg, { SKYPORT_POD_IP: ip }));
  const child = spawn(cmd!, args, { cwd: '/', detached: true, env });
  let out = '';
  const changed = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const f of changed) f();
  });
  const lines = () => out.split('\n').filter((l) => START_LINE.test(l));
  return {
    home,
    lines,
    mount: (file: string, value: string) => writeFileSync(join(mounts, START_MOUNT, file), value),
    async waitFor(line: string): Promise<void> {
      const deadline = Date.now() + 20_000;
      while (!lines().includes(line)) {
        if (Date.now() > deadline) throw new Error(`no "${line}" in ${JSON.stringify(lines())}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 200);
          changed.add(() => (clearTimeout(t), resolve()));
        });
        changed.clear();
      }
    },
    stop() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function waitForFile(path: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${path}: no ${pattern} in ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ENV = { GREETING: "it's", SKYPILOT_NODE_RANK: '0' };

describe('in-pod job start', () => {
  it('runs setup then run on a single node with its env and IP, and says so in its output', async () => {
    const node = runNode({ jobId: 4, numNodes: 1, env: ENV, setup: 'echo setting up', run: 'echo "$GREETING $SKYPILOT_NODE_IPS"; exit 3' });
    try {
      await node.waitFor('skyport-job 4 run exit 3');
      assert.deepEqual(node.lines(), ['skyport-job 4 setup started', 'skyport-job 4 setup exit 0', 'skyport-job 4 run started', 'skyport-job 4 run exit 3']);
      assert.equal(readFileSync(join(node.home, '.skyport/jobs/4/run.log'), 'utf8'), "it's 10.0.0.5\n");
      assert.equal(readFileSync(join(node.home, '.skyport/jobs/4/setup.exit'), 'utf8').trim(), '0');
    } finally {
      node.stop();
    }
  });

  it('as the kubelet hands it over: the pid file names the running phase, and `$$`/`$(VAR)` in the task reach its shell', async () => {
    const node = runNode({ jobId: 12, numNodes: 1, env: ENV, run: 'echo "pid $$ ip $(SKYPORT_POD_IP)"; sleep 30' });
    try {
      await node.waitFor('skyport-job 12 run started');
      const pidFile = join(node.home, '.skyport/jobs/12/run.pid');
      const pid = (await waitForFile(pidFile, /\S/)).trim();
      assert.match(pid, /^\d+$/);
      process.kill(Number(pid), 0); // the phase's session leader is alive (it throws otherwise)
      // `$(SKYPORT_POD_IP)` is the shell's command substitution, not the kubelet's variable: no such command.
      await waitForFile(join(node.home, '.skyport/jobs/12/run.log'), /^pid \d+ ip $/m);
    } finally {
      node.stop();
    }
  });

  it('does not run when setup fails', async () => {
    const node = runNode({ jobId: 5, numNodes: 1, env: ENV, setup: 'exit 7', run: 'echo no' });
    try {
      await node.waitFor('skyport-job 5 setup exit 7');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(existsSync(join(node.home, '.skyport/jobs/5/run.lock')), false);
    } finally {
      node.stop();
    }
  });

  it('on several nodes, waits for the node IPs, and for the go-ahead between setup and run', async () => {
    const node = runNode({ jobId: 6, numNodes: 2, env: ENV, setup: 'echo "s $SKYPILOT_SETUP_NODE_IPS"', run: 'echo "r $SKYPILOT_NODE_IPS"' });
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(node.lines(), []);
      node.mount('node-ips', '10.0.0.5\n10.0.0.6');
      await node.waitFor('skyport-job 6 setup exit 0');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(node.lines().includes('skyport-job 6 run started'), false);
      node.mount('run-go', '1');
      await node.waitFor('skyport-job 6 run exit 0');
      assert.equal(readFileSync(join(node.home, '.skyport/jobs/6/run.log'), 'utf8'), 'r 10.0.0.5\n10.0.0.6\n');
    } finally {
      node.stop();
    }
  });

  it('starts nothing a kill came first for, and leaves a phase an exec started to that exec', async () => {
    const killed = runNode({ jobId: 8, numNodes: 2, env: ENV, run: 'echo no' });
    try {
      execFileSync('sh', ['-c', killJobScript(8, 1)], { cwd: killed.home });
      killed.mount('node-ips', '10.0.0.5\n10.0.0.6');
      await killed.waitFor('skyport-job 8 run exit 143');
      assert.equal(existsSync(join(killed.home, '.skyport/jobs/8/run.sh')), false);
    } finally {
      killed.stop();
    }
    const taken = runNode({ jobId: 9, numNodes: 2, env: ENV, run: 'echo pod' });
    try {
      assert.equal(execFileSync('sh', ['-s'], { cwd: taken.home, input: startPhaseScript(9, 'run', {}, 'echo exec') }).toString().trim(), 'started');
      taken.mount('node-ips', '10.0.0.5\n10.0.0.6');
      await new Promise((r) => setTimeout(r, 800));
      assert.deepEqual(taken.lines(), []);
      assert.equal(readFileSync(join(taken.home, '.skyport/jobs/9/run.log'), 'utf8'), 'exec\n');
    } finally {
      taken.stop();
    }
  });

  it('is used only without files to sync and for scripts the pod can carry', () => {
    assert.equal(canStartInPod({ run: 'echo hi', fileMounts: [] }), true);
    assert.equal(canStartInPod({ run: 'echo hi', workdir: 'blob:abc', fileMounts: [] }), false);
    assert.equal(canStartInPod({ run: 'echo hi', fileMounts: [{}] }), false);
    assert.equal(canStartInPod({ run: 'x'.repeat(70 * 1024) }), false);
  });

  it('gives a multi-node pod the downward API volume it reads, a single node only its IP', () => {
    const start = { jobId: 3, numNodes: 2, commandOf: (rank: number) => ['sh', '-c', `rank ${rank}`] };
    const parts = podStartParts(start, 1);
    assert.deepEqual(parts.annotations, { 'skyport.dev/start-job': '3' });
    assert.deepEqual(parts.command, ['sh', '-c', 'rank 1']);
    assert.equal(parts.volumeMounts[0]?.mountPath, START_MOUNT);
    assert.deepEqual(podStartParts({ ...start, numNodes: 1 }, 0).volumes, []);
  });
});
