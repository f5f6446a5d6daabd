import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseUnschedulable, isDefinitelyUnschedulable, parseFailedScheduling } from './scheduling-diagnosis';

test('insufficient cpu in plain words with the ask', () => {
  const r = parseFailedScheduling('0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.', { cpus: 64 });
  assert.deepEqual(r.map((x) => x.plain), ['4 nodes have too little free CPU for 64 CPUs']);
});

test('the v1.36 wording (no new claims to deallocate) ends the list too', () => {
  const r = parseFailedScheduling(
    '0/4 nodes are available: 4 Insufficient cpu. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    { cpus: 512 },
  );
  assert.deepEqual(r.map((x) => x.plain), ['4 nodes have too little free CPU for 512 CPUs']);
});

test('mixed reasons: GPUs, affinity and taints', () => {
  const msg =
    '0/5 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn\'t match Pod\'s node affinity/selector, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.';
  const r = parseFailedScheduling(msg, { gpus: 8, gpuModel: 'H100' });
  assert.deepEqual(
    r.map((x) => x.plain),
    [
      '1 node has too few free GPUs (nvidia.com/gpu) for 8 × H100',
      "2 nodes do not match the pod's node selector (no H100 GPU label)",
      '2 nodes are tainted (node-role.kubernetes.io/control-plane:) and the pod does not tolerate it',
    ],
  );
});

test('the diagnosis names the context, the wait and the kubectl command', () => {
  const d = diagnoseUnschedulable({
    pod: 'c1-head',
    context: 'ctx-a',
    namespace: 'team',
    message: '0/2 nodes are available: 2 Insufficient memory.',
    ask: { memoryGb: 512 },
    waitedS: 10,
  });
  assert.match(d.message, /After 10 s none of the 2 nodes of context "ctx-a" can run pod c1-head: 2 nodes have too little free memory for 512 GB/);
  assert.match(d.message, /kubectl --context ctx-a -n team describe pod c1-head/);
});

test('an unknown reason is kept as written', () => {
  const r = parseFailedScheduling('0/1 nodes are available: 1 node(s) had volume zone mismatch.');
  assert.equal(r[0]?.plain, '1 node: node(s) had volume zone mismatch');
});

test('definite: every node refused for fit (resources, selector, taints the pod does not tolerate)', () => {
  for (const msg of [
    '0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.',
    '0/4 nodes are available: 4 node(s) had untolerated taint {skyport.dev/blocked: true}. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    "0/5 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
  ]) {
    assert.equal(isDefinitelyUnschedulable(msg), true, msg);
  }
});

test('transient: unbound claims, nodes not ready or cordoned, unknown reasons and mixes with them', () => {
  for (const msg of [
    '0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    '0/4 nodes are available: 3 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    '0/2 nodes are available: 2 node(s) were unschedulable.',
    '0/1 nodes are available: 1 node(s) had volume zone mismatch.',
    'skip schedule deleting pod: ns/p',
  ]) {
    assert.equal(isDefinitelyUnschedulable(msg), false, msg);
  }
});
