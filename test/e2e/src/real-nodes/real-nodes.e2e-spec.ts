import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execCommand, forwardPort, inNodeHome, type ExecTarget } from '@skyport/kube';
import { E2E_TOKEN, skyport } from '../e2e-stack';
import { runningContainersOf, startRealStack, waitFor, type RealStack } from './real-stack';

/**
 * SkyPilot's Kubernetes examples in REAL containers (test/cluster `--layout real`): the image is pulled from the
 * local registry, the job driver, file sync, logs, ssh, port-forward, cancel and teardown work inside the
 * container (no host process, no host path). One real cluster and one control plane for every case; tasks are
 * small and run side by side where they can, to stay within a few minutes on 2 cores.
 */
describe('real nodes: tasks run in containers pulled from the local registry', () => {
  let stack: RealStack;
  const id = randomBytes(2).toString('hex');
  const name = (what: string) => `rn-${what}-${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'skyport-real-nodes-'));
  const file = (fileName: string, lines: string[]) => {
    const path = join(dir, fileName);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const target = (cluster: string, rank = 0): ExecTarget => ({ clients: stack.clients, namespace: stack.clients.context.namespace, pod: `${cluster}-${rank === 0 ? 'head' : `worker-${rank}`}`, container: 'skyport' });
  const inPod = async (cluster: string, script: string, rank = 0) => (await execCommand(target(cluster, rank), inNodeHome(['sh', '-c', script]), { timeoutMs: 30_000 })).stdout;
  const queue = async (cluster: string) => JSON.parse((await skyport(stack, ['queue', cluster, '-o', 'json'])).stdout || '[]') as Array<{ jobId: number; status: string }>;
  const jobStatus = async (cluster: string, jobId: number) => (await queue(cluster)).find((j) => j.jobId === jobId)?.status;
  const down = (...clusters: string[]) => Promise.all(clusters.map((c) => skyport(stack, ['down', '-y', c])));

  before(async () => {
    stack = await startRealStack('e2e_real_nodes');
  });
  after(async () => {
    if (stack) {
      const all = JSON.parse((await skyport(stack, ['status', '-o', 'json'])).stdout || '[]') as Array<{ name: string }>;
      await down(...all.map((c) => c.name));
      await stack.stop();
    }
  });

  // The real nodes have this machine's 2 CPUs each: tasks ask for little so several run side by side.
  const SMALL = ['  cpus: 0.5', '  memory: 0.5'];

  it("`launch --cpus 2+`: a whole node's CPUs, the container sees them", async () => {
    const c = name('two-cpus');
    const task = file('nproc.yaml', ['run: echo "cpus=$(nproc) python=$(python3 -c \'print(1)\')"']);
    const run = await skyport(stack, ['launch', '-y', '-c', c, '--cpus', '2+', '--memory', '1', task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^cpus=\d+ python=1$/m);
    const pod = await stack.clients.core.readNamespacedPod({ name: `${c}-head`, namespace: stack.clients.context.namespace ?? 'default' });
    assert.equal(pod.spec?.containers[0]?.resources?.requests?.cpu, '2');
    await down(c);
  });

  it('setup and a workdir: python3 from the default image, relative paths in ~/sky_workdir, SKYPILOT_* and secrets in the job', async () => {
    const workdir = join(dir, 'wd');
    mkdirSync(workdir);
    writeFileSync(join(workdir, 'data.txt'), 'from the workdir\n');
    const task = file('main.yaml', [
      'resources:',
      ...SMALL,
      `workdir: ${workdir}`,
      'envs:',
      '  WHO: real',
      'secrets:',
      '  TOKEN:',
      'setup: |',
      '  echo "setup in $(pwd)"',
      '  echo built > built.txt',
      'run: |',
      '  cat data.txt built.txt',
      '  echo "pwd=$(pwd) home=$HOME"',
      '  python3 -c "import os; print(\'py\', os.environ[\'SKYPILOT_NODE_RANK\'], os.environ[\'SKYPILOT_NUM_NODES\'], len(os.environ[\'TOKEN\']))"',
      '  echo "ip=$SKYPILOT_NODE_IPS who=$WHO"',
      '  test ! -e /host-marker-that-does-not-exist && echo container',
    ]);
    const c = name('main');
    const run = await skyport(stack, ['launch', '-y', '-c', c, task, '--secret', 'TOKEN=abcdef']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^from the workdir$/m);
    assert.match(run.stdout, /^built$/m);
    const home = /^pwd=(\S+)\/sky_workdir home=(\S+)$/m.exec(run.stdout);
    assert.ok(home, run.stdout);
    assert.equal(home[1], home[2]);
    assert.match(run.stdout, /^py 0 1 6$/m);
    const ip = /^ip=(\d+\.\d+\.\d+\.\d+) who=real$/m.exec(run.stdout)?.[1];
    assert.ok(ip && !ip.startsWith('127.'), `the pod's own IP on the pod bridge: ${run.stdout}`);
    const setup = await skyport(stack, ['logs', c, '1', '--setup', '--no-follow']);
    assert.match(setup.stdout, /setup in \S+\/sky_workdir/);
    // Skyport's files are in the container, under the container user's home.
    assert.match(await inPod(c, 'ls .skyport/jobs/1 && cat /proc/1/cmdline | tr "\\0" " "'), /run\.log[\s\S]*sleep infinity|sleep infinity[\s\S]*run\.log|run\.log/);
  });

  it('exec, logs --follow, ssh -- hostname, and cancel killing the whole process tree in the container', async () => {
    const c = name('main');
    const exec = await skyport(stack, ['exec', c, 'echo "exec in $(pwd)"; cat data.txt']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stdout, /exec in \S+\/sky_workdir/);
    const ssh = await skyport(stack, ['ssh', c, '--', 'hostname; pwd']);
    assert.equal(ssh.code, 0, ssh.stderr);
    assert.match(ssh.stdout, new RegExp(`^${c}-head$`, 'm'));

    const job = await skyport(stack, [
      'exec',
      '-d',
      c,
      'sleep 300 & echo $! > bg.pid; setsid sleep 301 & echo $! > setsid.pid; (sleep 302 & echo $! > orphan.pid) & for i in $(seq 1 200); do echo "tick $i"; sleep 0.5; done',
    ]);
    assert.equal(job.code, 0, job.stderr);
    const jobId = Number(/Job (\d+)/.exec(job.stdout)?.[1]);
    // --follow streams while the job runs: stop it once a few ticks came through.
    const follow = await skyport(stack, ['logs', c, String(jobId), '--follow'], 8_000);
    assert.match(follow.stdout, /^tick 2$/m);
    const pids = await waitFor('the job to write its pid files', async () => {
      const out = (await inPod(c, 'cat sky_workdir/bg.pid sky_workdir/setsid.pid sky_workdir/orphan.pid 2>/dev/null')).trim().split(/\s+/);
      return out.length === 3 ? out : undefined;
    });
    const cancel = await skyport(stack, ['cancel', '-y', c, String(jobId)]);
    assert.equal(cancel.code, 0, cancel.stderr);
    await waitFor('the job to be CANCELLED', async () => ((await jobStatus(c, jobId)) === 'CANCELLED' ? true : undefined));
    const alive = await inPod(c, `for p in ${pids.join(' ')}; do kill -0 $p 2>/dev/null && echo "alive $p"; done; ps -eo pid,args | grep -c "[s]leep 30" || true`);
    assert.doesNotMatch(alive, /alive/);
    assert.equal(alive.trim(), '0', 'no sleep of the job is left in the container');
  });

  // A launch's first job starts from its pod's own command (SKYPORT_JOB_START=pod), which the kubelet expands: the
  // job's pid file once held '$' there, and its log stream closed early and cancel could not reach its processes.
  it("a launch's first job, started by its pod: its pid file names it, logs follow it live, cancel ends all of it", async () => {
    const c = name('first');
    const task = file('first.yaml', ['resources:', ...SMALL, 'run: |', '  echo "pid $$"', '  for i in $(seq 1 400); do echo "tick $i"; sleep 0.37; done']);
    const launch = await skyport(stack, ['launch', '-y', '-d', '-c', c, task]);
    assert.equal(launch.code, 0, launch.stderr);
    await waitFor('the job to run', async () => ((await jobStatus(c, 1)) === 'RUNNING' ? true : undefined), 90_000);
    const pid = (await waitFor('the pid file', async () => (await inPod(c, 'cat .skyport/jobs/1/run.pid 2>/dev/null')).trim() || undefined)).trim();
    assert.match(pid, /^\d+$/);
    const follow = await skyport(stack, ['logs', c, '1', '--follow'], 8_000);
    assert.match(follow.stdout, /^pid \d+$/m);
    assert.match(follow.stdout, /^tick 3$/m);
    const cancel = await skyport(stack, ['cancel', '-y', c, '1']);
    assert.equal(cancel.code, 0, cancel.stderr);
    await waitFor('the job to be CANCELLED', async () => ((await jobStatus(c, 1)) === 'CANCELLED' ? true : undefined));
    // `^sleep`: the pod's own command (PID 1) carries the task's script in its arguments.
    const left = await inPod(c, `kill -0 ${pid} 2>/dev/null && echo "alive ${pid}"; ps -eo args | grep -c "^[s]leep 0.37" || true`);
    assert.equal(left.trim(), '0', `nothing of the job is left in the container: ${left}\n${await inPod(c, 'ps -eo pid,pgid,args | cut -c1-120')}`);
    await down(c);
  });

  it('the ports example: python3 -m http.server 8888 answers HTTP through status --endpoints and port-forward', async () => {
    const c = name('ports');
    const task = file('ports.yaml', ['resources:', ...SMALL, '  ports: 8888', 'run: python3 -m http.server 8888']);
    const launch = await skyport(stack, ['launch', '-y', '-d', '-c', c, task]);
    assert.equal(launch.code, 0, launch.stderr);
    const endpoints = await skyport(stack, ['status', c, '--endpoints', '-o', 'json']);
    assert.equal(endpoints.code, 0, endpoints.stderr);
    assert.ok(JSON.parse(endpoints.stdout)['8888'], endpoints.stdout);
    const pf = await forwardPort({ clients: stack.clients, pod: `${c}-head`, remotePort: 8888 });
    try {
      const body = await waitFor('the http server', async () => {
        const res = await fetch(`http://127.0.0.1:${pf.localPort}/`);
        return res.ok ? await res.text() : undefined;
      });
      assert.match(body, /Directory listing/);
    } finally {
      await pf.close();
    }
    await down(c);
  });

  it('a 2-node task: rank 1 reaches rank 0 over TCP at its pod IP from SKYPILOT_NODE_IPS', async () => {
    const c = name('mn');
    const wd = join(dir, 'tcp');
    mkdirSync(wd);
    writeFileSync(
      join(wd, 'tcp.py'),
      [
        'import os, socket, sys, time',
        'head = os.environ["SKYPILOT_NODE_IPS"].split("\\n")[0]',
        'if os.environ["SKYPILOT_NODE_RANK"] == "0":',
        '    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 7777)); s.listen(1)',
        '    c, a = s.accept(); print("rank0 got", c.recv(64).decode(), "from", a[0])',
        'else:',
        '    for _ in range(150):',
        '        try:',
        '            s = socket.create_connection((head, 7777), 2); break',
        '        except OSError:',
        '            time.sleep(0.2)',
        '    s.sendall(b"hello-from-rank1"); print("rank1 sent to", head)',
        '',
      ].join('\n'),
    );
    const task = file('two-nodes.yaml', ['num_nodes: 2', 'resources:', ...SMALL, `workdir: ${wd}`, 'run: python3 tcp.py']);
    const run = await skyport(stack, ['launch', '-y', '-c', c, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /rank0 got hello-from-rank1 from (?!127\.)\d+\./);
    assert.match(run.stdout, /rank1 sent to (?!127\.)\d+\./);
    await down(c);
  });

  it('a 2-node task without files starts in its pods (the default SKYPORT_JOB_START=pod): the IPs and the go-ahead for run reach the containers through the downward API', async () => {
    const inPodStart = (process.env.SKYPORT_JOB_START ?? 'pod') === 'pod';
    const c = name('pstart');
    const metrics = async () => (await fetch(`http://127.0.0.1:${stack.services.get('provisioner')?.healthPort}/metrics`)).text();
    const execs = (text: string) => [...text.matchAll(/^skyport_execs_total\{purpose="phase-(?:start|wait)"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const before = execs(await metrics());
    const task = file('pod-start.yaml', [
      'num_nodes: 2',
      'resources:',
      ...SMALL,
      'setup: echo "setup on $SKYPILOT_NODE_RANK sees $(echo $SKYPILOT_SETUP_NODE_IPS)"',
      'run: |',
      '  echo "rank $SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES ips $(echo $SKYPILOT_NODE_IPS)"',
      '  exit $SKYPILOT_NODE_RANK',
    ]);
    const run = await skyport(stack, ['launch', '-y', '-c', c, task]);
    // Rank 1 exits 1: the job fails on it, with its code — the exit codes come back from the container logs.
    assert.notEqual(run.code, 0, `${run.stdout}\n${run.stderr}`);
    await waitFor('the job to end FAILED', async () => ((await jobStatus(c, 1)) === 'FAILED' ? true : undefined));
    const ips = /rank 0 of 2 ips (\S+) (\S+)/.exec(run.stdout);
    assert.ok(ips?.[1] && !ips[1].startsWith('127.') && ips[1] !== ips[2], run.stdout);
    const setup = await skyport(stack, ['logs', c, '1', '--setup', '--no-follow']);
    assert.match(setup.stdout, new RegExp(`setup on 0 sees ${ips[1]} ${ips[2]}`));
    const events = await stack.jobEvents(c);
    assert.ok(events.some((e) => e.type === 'job.failed' && /node 1 \(exit code 1\)/.test(e.message)), JSON.stringify(events));
    const pod = await stack.clients.core.readNamespacedPod({ name: `${c}-worker-1`, namespace: stack.clients.context.namespace ?? 'default' });
    if (inPodStart) {
      assert.equal(pod.metadata?.annotations?.['skyport.dev/start-job'], '1');
      assert.equal(pod.metadata?.annotations?.['skyport.dev/run-go'], '1');
      assert.equal(execs(await metrics()), before, 'no exec started or waited for the pods\' job');
    }
    await down(c);
  });

  it('a GPU task on the device-plugin node sees SKYPILOT_NUM_GPUS_PER_NODE and CUDA_VISIBLE_DEVICES', async () => {
    const nodes = (await stack.clients.core.listNode()).items.filter((n) => Number(n.status?.allocatable?.['nvidia.com/gpu'] ?? 0) > 0);
    const product = nodes[0]?.metadata?.labels?.['nvidia.com/gpu.product'];
    assert.ok(product, 'a real node advertises nvidia.com/gpu with a GFD product label');
    const model = product.replace(/^NVIDIA-/, '').replace(/-(SXM\d*|PCIE)/, ''); // NVIDIA-A100-SXM4-80GB -> A100-80GB
    const c = name('gpu');
    const task = file('gpu.yaml', ['resources:', ...SMALL, `  accelerators: ${model}:1`, 'run: echo "gpus=$SKYPILOT_NUM_GPUS_PER_NODE cuda=$CUDA_VISIBLE_DEVICES nv=$NVIDIA_VISIBLE_DEVICES"']);
    const run = await skyport(stack, ['launch', '-y', '-c', c, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^gpus=1 cuda=0 nv=\S+$/m);
    await down(c);
  });

  it('image_id: docker:<private image> pulls with the pull secret; without it the launch fails fast naming the 401', async () => {
    // A busybox image: no bash, no python — the node and the job still run (POSIX sh).
    const task = file('private.yaml', ['resources:', ...SMALL, `  image_id: docker:${stack.registry.privateImage}`, 'run: |', '  echo "in the private image: $(ls /bin/busybox)"']);
    const ok = name('priv');
    const run = await skyport(stack, ['launch', '-y', '-c', ok, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /in the private image: \/bin\/busybox/);
    await down(ok);

    await stack.restartProvisioner({ SKYPORT_REGISTRY_AUTH_FILE: '' });
    try {
      const started = Date.now();
      const denied = await skyport(stack, ['launch', '-y', '-c', name('nosecret'), task]);
      assert.notEqual(denied.code, 0, denied.stdout);
      assert.match(`${denied.stdout}\n${denied.stderr}`, /401|[Uu]nauthorized/);
      assert.ok(Date.now() - started < 60_000, `failed in ${Date.now() - started} ms`);
    } finally {
      await stack.restartProvisioner({});
    }
  });

  it('a container killed out of band and a deleted pod are reported with the reason', async () => {
    const killed = name('killed');
    const deleted = name('deleted');
    const task = file('sleep.yaml', ['resources:', ...SMALL, 'run: sleep 600']);
    const [a, b] = await Promise.all([skyport(stack, ['launch', '-y', '-d', '-c', killed, task]), skyport(stack, ['launch', '-y', '-d', '-c', deleted, task])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    await waitFor('both jobs RUNNING', async () => ((await jobStatus(killed, 1)) === 'RUNNING' && (await jobStatus(deleted, 1)) === 'RUNNING' ? true : undefined));
    // The container's main process (`sleep infinity` under bash) is killed: the container exits 137.
    await inPod(killed, "pkill -9 -f '^sleep infinity$'").catch(() => '');
    await stack.clients.core.deleteNamespacedPod({ name: `${deleted}-head`, namespace: stack.clients.context.namespace ?? 'default' });
    // The job driver (job.failed_driver) or the cluster health pass (job.failed, the cluster FAILED) sees it first.
    const ended = (e: { type: string }) => e.type === 'job.failed_driver' || e.type === 'job.failed';
    const killedEnd = await waitFor('the killed job to fail', async () => (await stack.jobEvents(killed)).find(ended), 90_000);
    assert.match(killedEnd.message, /container exited with code 137/);
    const deletedEnd = await waitFor('the deleted job to fail', async () => (await stack.jobEvents(deleted)).find(ended), 90_000);
    assert.match(deletedEnd.message, /pod was deleted|is being deleted|container exited with code/);
    await down(killed, deleted);
  });

  it("a job group's tasks reach each other by SkyPilot's names: getent hosts server-0.<group>, then TCP to it", async () => {
    const group = `g${id}`;
    const py = (code: string[]) => ["python3 - <<'PY'", ...code, 'PY'].map((l) => `  ${l}`);
    const path = file('group.yaml', [
      '---', `name: ${group}`, 'execution: parallel',
      '---', 'name: server', 'resources:', ...SMALL, 'run: |',
      ...py(['import socket', 's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 7777)); s.listen(1)', 'c, a = s.accept(); print("server got", c.recv(64).decode(), flush=True)']),
      '---', 'name: client', 'resources:', ...SMALL, 'run: |',
      // SkyPilot's own prefix waits for the names too: the other task's pod may not be up yet.
      `  for i in $(seq 150); do getent hosts server-0.${group} && break; sleep 1; done`,
      ...py(['import socket, time', 'for _ in range(300):', '    try:', `        s = socket.create_connection(("server-0.${group}", 7777), 2); break`, '    except OSError:', '        time.sleep(0.5)', 's.sendall(b"hello-by-name"); print("client sent", flush=True)']),
    ]);
    const launched = await skyport(stack, ['jobs', 'launch', '-y', path]);
    assert.equal(launched.code, 0, `${launched.stdout}\n${launched.stderr}`);
    const job = Number(/Managed job (\d+) /.exec(launched.stdout)?.[1]);
    const view = async () => (await (await fetch(`${stack.apiUrl}/v1/jobs/${job}`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } })).json()) as { status: string };
    const done = await waitFor('the group to end', async () => {
      const v = await view();
      return ['SUCCEEDED', 'FAILED', 'FAILED_NO_RESOURCE', 'CANCELLED'].includes(v.status) ? v : undefined;
    }, 240_000, 2_000);
    const logs = async (task: string) => (await skyport(stack, ['jobs', 'logs', '--no-follow', String(job), task])).stdout;
    assert.equal(done.status, 'SUCCEEDED', `${JSON.stringify(done)}\n${await logs('client')}\n${await logs('server')}`);
    // A task's last lines can reach the log store just after the group ends (as the server's below): wait for them.
    const client = await waitFor('the client log', async () => {
      const text = await logs('client');
      return text.includes('client sent') ? text : undefined;
    });
    // getent prints the server pod's own IP (not a loopback one) for its in-group name.
    assert.match(client, new RegExp(`^(?!127\\.)\\d+\\.\\d+\\.\\d+\\.\\d+\\s+server-0\\.${group}`, 'm'));
    assert.match(client, /client sent/);
    assert.match(await waitFor('the server log', async () => ((await logs('server')).includes('server got') ? logs('server') : undefined)), /server got hello-by-name/);
  });

  it('launch --down: autodown tears the cluster down once its job finished; its containers are gone', async () => {
    const c = name('auto');
    const task = file('auto.yaml', ['resources:', ...SMALL, 'run: echo autodown-job']);
    const run = await skyport(stack, ['launch', '-y', '--down', '-c', c, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(`${run.stdout}\n${run.stderr}`, /SUCCEEDED/);
    await waitFor('autodown to remove the cluster and its pods', async () => {
      const clusters = JSON.parse((await skyport(stack, ['status', '-o', 'json'])).stdout || '[]') as Array<{ name: string }>;
      const pods = await stack.clients.core.listNamespacedPod({ namespace: stack.clients.context.namespace ?? 'default', labelSelector: `skyport.dev/cluster=${c}` });
      return clusters.some((x) => x.name === c) || pods.items.length > 0 ? undefined : true;
    }, 90_000, 1_000);
  });

  it('down removes the containers', async () => {
    const c = name('main');
    // The node's container (keep-alive) and the pause sandbox run before; none of them after.
    assert.ok(runningContainersOf(`${c}-head`).length >= 1, 'containerd runs the pod before down');
    const res = await skyport(stack, ['down', '-y', c]);
    assert.equal(res.code, 0, res.stderr);
    await waitFor('the pods to be gone', async () => {
      const pods = await stack.clients.core.listNamespacedPod({ namespace: stack.clients.context.namespace ?? 'default', labelSelector: `skyport.dev/cluster=${c}` });
      return pods.items.length === 0 ? true : undefined;
    }, 60_000);
    await waitFor('containerd to stop its containers', async () => (runningContainersOf(`${c}-head`).length === 0 ? true : undefined), 30_000);
  });
});
