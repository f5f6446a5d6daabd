// Figure 4 — API throughput, Skyport vs the SkyPilot API server on the same machine.
//   npx tsc -b bench && node bench/dist/api-throughput.js [seconds=10] [connections=10]
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { BENCH_TOKEN, benchCluster, startSkyport } from './lib/bench-stack';
import { header, writeResult, runWhenMain } from './lib/result';
import { skyPilotCall, startSkyPilot } from './lib/skypilot';
import { round, summarize, type Summary } from './lib/stats';

const METHOD = `Skyport: autocannon (N connections, fixed duration) on GET /v1/clusters (\`skyport status\`) and
POST /v1/clusters/:name/launch {"dryrun":true} (\`launch --dryrun\`: the optimizer plans against the live
cluster's capacity), both with the admin token; per-caller rate limiting raised out of the way.
SkyPilot (same machine, same cluster): its API is asynchronous — POST /status or /optimize answers with a
request id and GET /api/get?request_id= waits for the result — so both servers are also driven by the same
closed-loop client (C workers, each call = the full round trip its CLI makes), which gives the ratio.
autocannon on SkyPilot's POST /status (accept only, no result) is shown for reference.`;

interface CannonFigure {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function cannon(opts: autocannon.Options): Promise<CannonFigure> {
  const r = await autocannon({ ...opts, workers: undefined });
  const lat = r.latency as unknown as Record<string, number>;
  return { rps: r.requests.average, p50: lat.p50, p99: lat.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

/** C workers calling `call` back to back for `seconds`; per-call latency and completed calls per second. */
async function closedLoop(call: () => Promise<void>, seconds: number, workers: number): Promise<{ rps: number; latency: Summary; failures: number }> {
  const start = performance.now();
  const end = start + seconds * 1000;
  const times: number[] = [];
  let failures = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await call();
          times.push(performance.now() - t);
        } catch (error) {
          failures++;
          firstError ??= error;
        }
      }
    }),
  );
  if (failures) console.log(`    ${failures} failed call(s), first: ${firstError instanceof Error ? firstError.message : String(firstError)}`);
  // Calls still running at the deadline finish and count: divide by the time it all took.
  return { rps: times.length / ((performance.now() - start) / 1000), latency: summarize(times), failures };
}

const TASK = 'name: dry\nresources:\n  cpus: 0.5\n  memory: 1\nrun: sleep 1\n';

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const seconds = Number(argv[0] ?? 10);
  const connections = Number(argv[1] ?? 10);
  const loopWorkers = 4;
  header('API throughput (figure 4)', METHOD);
  const cluster = benchCluster('bench', 'small');
  const sky = await startSkyport('throughput', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const result: Record<string, unknown> = { method: METHOD, seconds, connections, closedLoopWorkers: loopWorkers };
  try {
    const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
    const dryBody = JSON.stringify({ task: TASK, dryrun: true });
    // Warm both paths (first plan loads the catalog).
    await sky.client.listClusters();
    await sky.client.plan('dry', { task: TASK });
    const status = await cannon({ url: `${sky.apiUrl}/v1/clusters`, connections, duration: seconds, headers: auth });
    console.log(`skyport   GET status        autocannon c=${connections}: ${round(status.rps)} req/s  p50 ${status.p50} ms  p99 ${status.p99} ms  non-2xx ${status.non2xx}`);
    const dry = await cannon({
      url: `${sky.apiUrl}/v1/clusters/dry/launch`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { ...auth, 'content-type': 'application/json' },
      body: dryBody,
    });
    console.log(`skyport   POST launch --dryrun autocannon c=${connections}: ${round(dry.rps)} req/s  p50 ${dry.p50} ms  p99 ${dry.p99} ms  non-2xx ${dry.non2xx}`);
    const loopStatus = await closedLoop(async () => void (await sky.client.listClusters()), seconds, loopWorkers);
    const loopDry = await closedLoop(async () => void (await sky.client.plan('dry', { task: TASK })), seconds, loopWorkers);
    console.log(`skyport   status  closed loop ×${loopWorkers}: ${round(loopStatus.rps)} calls/s  p50 ${round(loopStatus.latency.p50)} ms  p99 ${round(loopStatus.latency.p99)} ms`);
    console.log(`skyport   dryrun  closed loop ×${loopWorkers}: ${round(loopDry.rps)} calls/s  p50 ${round(loopDry.latency.p50)} ms  p99 ${round(loopDry.latency.p99)} ms`);
    result.skyport = { status, dryrun: dry, closedLoop: { status: loopStatus, dryrun: loopDry } };
    // SkyPilot's server competes for the same 2 cores: stop nothing of Skyport's (both idle while the other runs).
    try {
      const sp = await startSkyPilot(cluster.kubeconfig);
      try {
        await skyPilotCall(sp.url, '/status', { refresh: 'NONE', all_users: true });
        const spStatus = await closedLoop(async () => {
          const r = await skyPilotCall(sp.url, '/status', { refresh: 'NONE', all_users: true });
          if (r.status !== 'SUCCEEDED') throw new Error(`sky.status ${r.status}: ${JSON.stringify(r.error).slice(0, 300)}`);
        }, seconds, loopWorkers);
        console.log(`skypilot  status  closed loop ×${loopWorkers}: ${round(spStatus.rps)} calls/s  p50 ${round(spStatus.latency.p50)} ms  p99 ${round(spStatus.latency.p99)} ms`);
        const spOpt = await closedLoop(async () => {
          const r = await skyPilotCall(sp.url, '/optimize', { dag: TASK, minimize: 0, request_options: null });
          if (r.status !== 'SUCCEEDED') throw new Error(`sky.optimize ${r.status}: ${JSON.stringify(r.error).slice(0, 300)}`);
        }, seconds, loopWorkers);
        console.log(`skypilot  optimize closed loop ×${loopWorkers}: ${round(spOpt.rps)} calls/s  p50 ${round(spOpt.latency.p50)} ms  p99 ${round(spOpt.latency.p99)} ms`);
        // Last: this floods SkyPilot's request queue (it accepts far faster than it finishes), which would
        // otherwise delay every call measured after it.
        const accept = await cannon({ url: `${sp.url}/status`, method: 'POST', connections, duration: seconds, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh: 'NONE', all_users: true }) });
        console.log(`skypilot  POST /status (accept only) autocannon c=${connections}: ${round(accept.rps)} req/s  p50 ${accept.p50} ms  p99 ${accept.p99} ms  non-2xx ${accept.non2xx}`);
        const ratio = spStatus.rps > 0 ? loopStatus.rps / spStatus.rps : Infinity;
        console.log(`ratio status (closed loop, calls/s): Skyport ${round(ratio, 1)}× SkyPilot ${sp.version}`);
        result.skypilot = { version: sp.version, statusAcceptOnly: accept, closedLoop: { status: spStatus, optimize: spOpt } };
        result.ratioStatus = ratio;
        result.ratioDryrun = spOpt.rps > 0 ? loopDry.rps / spOpt.rps : null;
      } finally {
        await sp.stop();
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      console.log(`skypilot: not measured — ${why}`);
      result.skypilot = { error: why };
    }
    writeResult('api-throughput', result as { method: string });
  } finally {
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
