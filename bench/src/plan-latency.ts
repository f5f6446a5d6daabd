// Plan latency with 5 Kubernetes contexts × 1,000 nodes and every catalog loaded.
//   npx tsc -b bench && node bench/dist/plan-latency.js [iterations]
// Prints p50/p99 per task shape for: decoding the provisioner's CapacityResponse (the wire cost of a plan),
// planning, and formatting the table. Deterministic input (seeded), nothing leaves the process.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '@skyport/catalog';
import { ProvisionerRpc } from '@skyport/contracts';
import { formatPlanTable, planTask, type PlanTask, type PlannerConfig } from '@skyport/planner';
import { contextCapacity, type NodeSpec } from '@skyport/planner/testing';

const CONTEXTS = 5;
const NODES_PER_CONTEXT = 1_000;
const iterations = Number(process.argv[2] ?? 200);

let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

// GPU models in the label formats the planner must resolve (the provisioner normally canonicalises; half here don't).
const GPU_LABELS: Array<{ model: string; labels: Record<string, string> }> = [
  { model: 'T4', labels: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' } },
  { model: 'L4', labels: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
  { model: 'A100', labels: { 'karpenter.k8s.aws/instance-gpu-name': 'a100' } },
  { model: 'A100-80GB', labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } },
  { model: 'H100', labels: { 'gpu.nvidia.com/class': 'H100_NVLINK_80GB' } },
];

function node(i: number): NodeSpec {
  const gpu = i % 10 < 3;
  if (!gpu) {
    const cpus = pick([4, 8, 16, 32, 64]);
    const memoryGb = cpus * pick([2, 4, 8]);
    return {
      name: `cpu-${i}`,
      cpus,
      memoryGb,
      freeCpus: Math.floor(random() * cpus * 0.6),
      freeMemoryGb: Math.floor(random() * memoryGb * 0.6),
      schedulable: random() > 0.02,
    };
  }
  const g = pick(GPU_LABELS);
  const gpus = pick([1, 4, 8]);
  return {
    name: `gpu-${i}`,
    cpus: gpus * 12,
    memoryGb: gpus * 96,
    freeCpus: gpus * 6,
    freeMemoryGb: gpus * 48,
    gpus,
    // Busy clusters: most GPU nodes have little free, so big requests scan far.
    freeGpus: Math.floor(random() * (gpus / 2 + 1)),
    gpuModel: random() < 0.5 ? g.model : '',
    labels: g.labels,
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Timing {
  p50: number;
  p99: number;
  /** CPU time (user + system) of this process, which a loaded machine inflates far less than wall time. */
  cpuP50: number;
}

/** Times `run` on a fresh input from `setup` each iteration (setup not timed), as a plan sees a fresh snapshot. */
function measure<I>(setup: () => I, run: (input: I) => void): Timing {
  for (let i = 0; i < Math.min(20, iterations); i++) run(setup());
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const input = setup();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    run(input);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: percentile(wall, 50), p99: percentile(wall, 99), cpuP50: percentile(cpu, 50) };
}

const loadStart = performance.now();
const catalog = loadCatalog();
const catalogMs = performance.now() - loadStart;

const contexts = Array.from({ length: CONTEXTS }, (_, c) =>
  contextCapacity(`ctx-${c}`, Array.from({ length: NODES_PER_CONTEXT }, (_, i) => node(i)), { namespace: 'skyport' }),
);
const wire = ProvisionerRpc.CapacityResponse.encode({ contexts }).finish();
const config: PlannerConfig = {
  allowedContexts: contexts.map((c) => c.context),
  enabledClouds: ['aws', 'gcp', 'azure', 'lambda', 'ibm'],
  kubernetesPricing: { 'ctx-4': { cpu_per_hour: 0.01, accelerators: { '*': 1 } } },
};

const res = (over: Partial<PlanTask['resources'][number]> = {}): PlanTask['resources'][number] => ({ useSpot: false, ...over });
const tasks: Array<[string, PlanTask]> = [
  ['default CPU task', { numNodes: 1, resourcesOrder: 'any', resources: [res()] }],
  ['cpus 8, memory 32', { numNodes: 1, resourcesOrder: 'any', resources: [res({ cpus: { value: 8, orMore: false }, memory: { value: 32, orMore: false } })] }],
  ['A100:8 (busy GPUs)', { numNodes: 1, resourcesOrder: 'any', resources: [res({ accelerator: { name: 'A100', count: 8 } })] }],
  ['H100:8 × 4 nodes', { numNodes: 4, resourcesOrder: 'any', resources: [res({ accelerator: { name: 'H100', count: 8 } })] }],
  [
    'any_of A100-80GB:8 | H100:8 | L4:1',
    {
      numNodes: 1,
      resourcesOrder: 'any',
      resources: [res({ accelerator: { name: 'A100-80GB', count: 8 } }), res({ accelerator: { name: 'H100', count: 8 } }), res({ accelerator: { name: 'L4', count: 1 } })],
    },
  ],
  ['spot T4:1', { numNodes: 1, resourcesOrder: 'any', resources: [res({ accelerator: { name: 'T4', count: 1 }, useSpot: true })] }],
];

const fmt = (n: number): string => n.toFixed(3).padStart(8);
console.log(`plan latency: ${CONTEXTS} contexts × ${NODES_PER_CONTEXT} nodes, ${catalog.offerings.length} catalog rows (${catalog.clouds().length} clouds), ${iterations} iterations, node ${process.version}`);
console.log(`catalog load (parse + index, cold): ${catalogMs.toFixed(1)} ms; capacity snapshot on the wire: ${(wire.length / 1024).toFixed(0)} KiB`);
const none = (): undefined => undefined;
const fresh = (): ProvisionerRpc.ContextCapacity[] => ProvisionerRpc.CapacityResponse.decode(wire).contexts;
const decode = measure(none, () => ProvisionerRpc.CapacityResponse.decode(wire));
console.log(`load average at start: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (wall times include waiting for a core; CPU times do not)`);
console.log(`decode CapacityResponse (every plan)      p50 ${fmt(decode.p50)} ms  p99 ${fmt(decode.p99)} ms  cpu p50 ${fmt(decode.cpuP50)} ms`);
console.log('task                                 plan p50     plan p99  plan cpu p50  decode+plan+table p50/p99   candidates  chosen');
for (const [name, task] of tasks) {
  const plan = planTask({ task, capacity: fresh(), catalog, config, planId: 'bench' });
  const planned = measure(fresh, (capacity) => planTask({ task, capacity, catalog, config, planId: 'bench' }));
  const whole = measure(none, () => formatPlanTable(planTask({ task, capacity: fresh(), catalog, config, planId: 'bench' })));
  const chosen = plan.chosenIndex >= 0 ? plan.candidates[plan.chosenIndex].candidateId : '(none)';
  console.log(
    `${name.padEnd(36)} ${fmt(planned.p50)} ms ${fmt(planned.p99)} ms ${fmt(planned.cpuP50)} ms ${fmt(whole.p50)} /${fmt(whole.p99)} ms ${String(plan.candidates.length).padStart(8)}    ${chosen}`,
  );
}
