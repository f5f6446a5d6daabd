import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, repoRoot, startService } from '@skyport/dev-stack';
import { testProvider } from '@skyport/kube/testing';
import { skyport, startE2eStack, type E2eStack } from './e2e-stack';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver';

/**
 * The quick start, as a test: the five services as processes, the built CLI, the local Kubernetes control plane.
 * `skyport launch -c NAME examples/hello.yaml` plans, creates the pod, runs setup and the job, streams its output;
 * `kubectl get pods -l skyport.dev/cluster=NAME` shows it; `skyport down` leaves nothing behind. The services export
 * their metrics and send their spans to an OTLP receiver on the way, as an operator would watch them.
 */
describe('launch examples/hello.yaml end to end', () => {
  let stack: E2eStack;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const cluster = `e2e-hello-${randomBytes(2).toString('hex')}`;

  before(async () => {
    otlp = await startOtlpReceiver();
    stack = await startE2eStack('e2e_launch', { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, SKYPORT_RECONCILE_INTERVAL_SECONDS: '2' });
  });
  after(async () => {
    await stack?.stop();
    await otlp?.close();
  });

  const metricsOf = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

  const podsOf = async (name: string): Promise<Array<{ name: string; phase: string }>> => {
    const core = testProvider(stack.kube).forContext(stack.kube.context).core;
    const list = await core.listPodForAllNamespaces({ labelSelector: `skyport.dev/cluster=${name}` });
    return list.items.map((p) => ({ name: p.metadata?.name ?? '', phase: p.status?.phase ?? '' }));
  };

  it('plans, provisions, runs setup and the job, and streams the output', async () => {
    const result = await skyport(stack, ['launch', '-c', cluster, join(repoRoot(), 'examples', 'hello.yaml'), '-y']);
    const all = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, all);
    assert.match(all, /Considered resources/);
    assert.match(all, /Kubernetes/);
    assert.match(all, /Hello from Skyport/);
    assert.match(all, /step 3/);
  });

  it('shows the cluster with kubectl-visible pods and in `skyport status`', async () => {
    const pods = await podsOf(cluster);
    assert.ok(pods.some((p) => p.name === `${cluster}-head` && p.phase === 'Running'), JSON.stringify(pods));
    const status = await skyport(stack, ['status', '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as unknown;
    const clusters = (Array.isArray(parsed) ? parsed : ((parsed as { items?: unknown[]; clusters?: unknown[] }).items ?? (parsed as { clusters?: unknown[] }).clusters ?? [])) as Array<{ name: string; status: string }>;
    assert.equal(clusters.find((c) => c.name === cluster)?.status, 'UP', status.stdout);
  });

  it('keeps the job output available through `skyport logs`', async () => {
    const logs = await skyport(stack, ['logs', cluster, '1', '--no-follow']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /Hello from Skyport/);
  });

  it('every service exports its domain metrics', async () => {
    const inPodStart = (process.env.SKYPORT_JOB_START ?? 'pod') === 'pod'; // the provisioner's default
    const expected: Record<string, RegExp[]> = {
      api: [/^skyport_api_request_duration_seconds_count\{/m, /^skyport_streams_active\{kind="job-logs"\} 0$/m, /^skyport_queue_jobs\{/m],
      optimizer: [/^skyport_launch_phase_duration_seconds_count\{phase="queued"/m, /^skyport_launch_phase_duration_seconds_count\{phase="plan"/m, /^skyport_queue_job_duration_seconds_count\{queue="optimize",outcome="done"\} [1-9]/m],
      provisioner: [
        /^skyport_launch_phase_duration_seconds_count\{phase="provision",provider="kubernetes"\} [1-9]/m,
        /^skyport_launch_phase_duration_seconds_count\{phase="total",provider="kubernetes"\} [1-9]/m,
        /^skyport_launches_finished_total\{outcome="up",provider="kubernetes"\} [1-9]/m,
        /^skyport_kube_requests_total\{verb="create",resource="pods",outcome="ok"\} [1-9]/m,
        // SKYPORT_JOB_START=pod: the pod started the job itself (no exec); exec: one exec started each phase.
        ...(inPodStart ? [] : [/^skyport_execs_total\{purpose="phase-start",outcome="exit-0"\} [1-9]/m]),
        /^skyport_informer_lag_seconds\{context="[^"]+",resource="pods"\} 0$/m,
        /^skyport_grpc_server_handled_total\{method="[^"]+\/Capacity",code="OK"\} [1-9]/m,
      ],
      logs: [/^skyport_log_lines_total [1-9]/m, /^skyport_execs_total\{purpose="log-(follow|read)"/m, /^skyport_grpc_server_handled_total\{method="[^"]+\/Tail",code="OK"\} [1-9]/m],
      autodown: [/^skyport_reconciler_runs_total\{outcome="ok"\} [1-9]/m, /^skyport_reconciler_last_success_timestamp_seconds [1-9]/m],
    };
    // The reconciler passes every 2 s here; give it one.
    await new Promise((r) => setTimeout(r, 2_500));
    for (const [name, patterns] of Object.entries(expected)) {
      const text = await metricsOf(stack.services.get(name as never)!.healthPort);
      for (const pattern of patterns) assert.match(text, pattern, `${name} /metrics lacks ${pattern}`);
    }
    if (inPodStart) {
      const provisioner = await metricsOf(stack.services.get('provisioner')!.healthPort);
      assert.doesNotMatch(provisioner, /^skyport_execs_total\{purpose="phase-(start|wait)"/m, 'the job started and was followed without exec');
    }
  });

  it('a second api replica exports no system-wide gauges (the first holds their lease)', async () => {
    const second = await startService('api', { ...stack.env, SKYPORT_API_PORT: String(await freePort()) }, 60_000);
    try {
      const [first, other] = await Promise.all([metricsOf(stack.services.get('api')!.healthPort), metricsOf(second.healthPort)]);
      assert.match(first, /^skyport_queue_jobs\{/m);
      assert.doesNotMatch(other, /^skyport_queue_jobs\{/m);
      assert.doesNotMatch(other, /^skyport_requests\{/m);
      assert.match(other, /^skyport_api_request_duration_seconds_count\{/m, 'its own request metrics stay');
    } finally {
      await second.stop();
    }
  });

  it('one trace follows the launch from the api through the outbox, the queues and gRPC to the Kubernetes calls', async () => {
    const launchTrace = (): ReceivedSpan[] | undefined => {
      const byTrace = new Map<string, ReceivedSpan[]>();
      for (const span of otlp.spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
      return [...byTrace.values()].find(
        (t) => t.some((s) => s.service === 'skyport-api' && /^POST /.test(s.name)) && t.some((s) => s.service === 'skyport-provisioner' && s.name === 'process provision'),
      );
    };
    const deadline = Date.now() + 15_000; // the exporters send in batches, every second
    while (!launchTrace() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const trace = launchTrace();
    assert.ok(trace, `no trace spans the api and the provisioner; got ${otlp.spans.length} spans: ${[...new Set(otlp.spans.map((s) => `${s.service}:${s.name}`))].slice(0, 40).join(', ')}`);
    const names = trace.map((s) => `${s.service}:${s.name}`);
    assert.ok(names.includes('skyport-optimizer:process optimize'), names.join(', '));
    assert.ok(names.some((n) => /^skyport-provisioner:kube create pods$/.test(n)), names.join(', '));
    const ids = new Set(trace.map((s) => s.spanId));
    const roots = trace.filter((s) => !ids.has(s.parentSpanId));
    assert.equal(roots.length, 1, `one root (the api request), not ${roots.map((s) => `${s.service}:${s.name}`).join(', ')}`);
    // `skyport logs` went api → logs over gRPC, in one trace too.
    assert.ok(
      otlp.spans.some((s) => s.service === 'skyport-logs' && /\/Tail$/.test(s.name) && otlp.spans.some((a) => a.traceId === s.traceId && a.service === 'skyport-api')),
      'the Logs.Tail call continues the api request\'s trace',
    );
  });

  it('tears everything down with `skyport down`', async () => {
    const down = await skyport(stack, ['down', cluster, '-y']);
    assert.equal(down.code, 0, `${down.stdout}\n${down.stderr}`);
    const deadline = Date.now() + 60_000;
    while ((await podsOf(cluster)).length > 0) {
      assert.ok(Date.now() < deadline, 'pods still exist a minute after down');
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});
