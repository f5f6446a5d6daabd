import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskYaml } from '../parse-task';
import { applyLaunchInputs } from '../overrides/apply-launch-inputs';
import { formatJobDemand, jobDemandOf, neverFitsReason, nodeResourcesOf, placeJob, type HeldDemand, type JobDemand } from './job-demand';

const task = (yaml: string, overrides = {}) => applyLaunchInputs(parseTaskYaml(yaml).tasks[0]!, { overrides });
const cpu = (cpus: number, memoryGb = 0): JobDemand => ({ cpus, memoryGb });
const gpu = (count: number, cpus = 0.5): JobDemand => ({ cpus, memoryGb: 0, accelerator: { name: 'A100', count } });
const held = (demand: JobDemand, devices: number[] = []): HeldDemand => ({ demand, devices });

describe('job demand (SkyPilot job queue semantics)', () => {
  it('a job that names no resources holds 0.5 CPU per node, no memory, no accelerator', () => {
    assert.deepEqual(jobDemandOf(task('run: echo hi\n')), cpu(0.5));
    assert.deepEqual(jobDemandOf({}), cpu(0.5));
    assert.deepEqual(jobDemandOf(null), cpu(0.5));
  });

  it('--cpus / --memory / --gpus from the command line are what the job holds', () => {
    assert.deepEqual(jobDemandOf(task('run: echo hi\n', { cpus: '2' })), cpu(2));
    assert.deepEqual(jobDemandOf(task('run: echo hi\n', { cpus: '2+', memory: '4' })), cpu(2, 4));
    assert.deepEqual(jobDemandOf(task('run: echo hi\n', { gpus: 'A100:0.5' })), gpu(0.5));
  });

  it("a launch's job holds SkyPilot's 0.5 CPU and its accelerators: its cpus and memory sized the nodes", () => {
    const t = task('resources:\n  cpus: 4\n  memory: 16\n  accelerators: A100:1\nrun: train\n');
    assert.deepEqual(jobDemandOf(t, undefined, { launch: true }), gpu(1));
    assert.deepEqual(jobDemandOf(t), { cpus: 4, memoryGb: 16, accelerator: { name: 'A100', count: 1 } });
  });

  it('of several resource choices, the first one a node can hold', () => {
    const t = task('resources:\n  any_of:\n    - accelerators: H100:1\n    - accelerators: A100:1\nrun: x\n');
    const node = { cpus: 8, memoryGb: 32, accelerator: { name: 'A100', count: 2 } };
    assert.equal(jobDemandOf(t, node).accelerator?.name, 'A100');
    assert.equal(jobDemandOf(t).accelerator?.name, 'H100');
  });

  it('says why a job can never fit, naming what it asks and what a node has', () => {
    const node = { cpus: 4, memoryGb: 8 };
    assert.equal(neverFitsReason(cpu(2), node), undefined);
    assert.match(neverFitsReason(cpu(8), node)!, /needs 8 CPUs per node .* has 4/);
    assert.match(neverFitsReason(cpu(1, 16), node)!, /16 GB of memory .* 8 GB/);
    assert.match(neverFitsReason(gpu(1), node)!, /A100:1 .* no accelerators/);
    assert.match(neverFitsReason(gpu(4), { ...node, accelerator: { name: 'a100', count: 2 } })!, /A100:4 per node .* has 2/);
  });

  it('places jobs while CPUs and memory last (fractions add up exactly)', () => {
    const node = { cpus: 4, memoryGb: 8 };
    assert.deepEqual(placeJob(cpu(2), node, []), { devices: [] });
    assert.deepEqual(placeJob(cpu(2), node, [held(cpu(2))]), { devices: [] });
    assert.equal(placeJob(cpu(2), node, [held(cpu(2)), held(cpu(2))]), undefined);
    assert.equal(placeJob(cpu(1, 6), node, [held(cpu(1, 4))]), undefined);
    const tenths = Array.from({ length: 39 }, () => held(cpu(0.1)));
    assert.ok(placeJob(cpu(0.1), node, tenths), '40 × 0.1 = 4 fits on 4 CPUs');
    assert.equal(placeJob(cpu(0.1), node, [...tenths, held(cpu(0.1))]), undefined);
  });

  it('gives GPU jobs their own devices; fractions share one device', () => {
    const node = { cpus: 16, memoryGb: 64, accelerator: { name: 'A100', count: 2 } };
    assert.deepEqual(placeJob(gpu(1), node, []), { devices: [0] });
    assert.deepEqual(placeJob(gpu(1), node, [held(gpu(1), [0])]), { devices: [1] });
    assert.equal(placeJob(gpu(1), node, [held(gpu(1), [0]), held(gpu(1), [1])]), undefined);
    assert.deepEqual(placeJob(gpu(0.5), node, [held(gpu(0.5), [0])]), { devices: [0] });
    assert.deepEqual(placeJob(gpu(0.5), node, [held(gpu(0.5), [0]), held(gpu(0.5), [0])]), { devices: [1] });
    assert.equal(placeJob(gpu(2), node, [held(gpu(0.5), [0])]), undefined, 'a whole-GPU job needs devices nobody shares');
  });

  it('the per-node resources of a cluster: the pod shape, or the VM type from the catalog', () => {
    assert.deepEqual(nodeResourcesOf({ infra: 'kubernetes/kind', instanceType: '4CPU--8GB' }), { cpus: 4, memoryGb: 8 });
    assert.deepEqual(nodeResourcesOf({ infra: 'kubernetes/kind', instanceType: '8CPU--32GB--A100:2' }), { cpus: 8, memoryGb: 32, accelerator: { name: 'A100', count: 2 } });
    const vm = nodeResourcesOf({ infra: 'aws/us-east-1', instanceType: 'm6i.xlarge' });
    assert.deepEqual(vm, { cpus: 4, memoryGb: 16 });
    assert.equal(nodeResourcesOf({ infra: 'kubernetes/kind', instanceType: null }), undefined);
    assert.equal(nodeResourcesOf({ infra: 'aws/us-east-1', instanceType: 'no-such-type' }), undefined);
  });

  it('formats the demand as SkyPilot’s RESOURCES column', () => {
    assert.equal(formatJobDemand(cpu(0.5), 1), '1x[CPU:0.5]');
    assert.equal(formatJobDemand({ cpus: 2, memoryGb: 8, accelerator: { name: 'A100', count: 1 } }, 2), '2x[CPU:2, Mem:8GB, A100:1]');
  });
});
