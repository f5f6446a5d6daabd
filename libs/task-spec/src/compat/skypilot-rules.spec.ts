import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem } from '../errors/task-errors';
import { applyLaunchInputs } from '../overrides/apply-launch-inputs';
import { checkTaskYaml } from '../parse-task';

// Value forms and rules measured against SkyPilot 0.14.1 by test/compat (verdict parity): these pin the ones
// Skyport adopted, so a change shows here before the differential harness runs.
const base = 'name: t\nrun: echo\n';

describe('SkyPilot value forms Skyport accepts', () => {
  const accepted: Array<[string, string, (file: Extract<ReturnType<typeof checkTaskYaml>, { ok: true }>['file']) => void]> = [
    ['memory as a multiple of the vCPUs', 'resources:\n  cpus: 4\n  memory: 4x\n', (f) => assert.deepEqual(f.tasks[0].resources[0].memory, { value: 16, orMore: false })],
    ['ports with commas', "resources:\n  ports: '8080, 8090-8092'\n", (f) => assert.deepEqual(f.tasks[0].resources[0].ports, [{ from: 8080, to: 8080 }, { from: 8090, to: 8092 }])],
    ["spaces around the accelerator's ':'", "resources:\n  accelerators: 'A100 : 2'\n", (f) => assert.equal(f.tasks[0].resources[0].accelerator?.count, 2)],
    ["cpus '2 +'", "resources:\n  cpus: '2 +'\n", (f) => assert.deepEqual(f.tasks[0].resources[0].cpus, { value: 2, orMore: true })],
    ['an empty accelerator string', "resources:\n  accelerators: ''\n", (f) => assert.equal(f.tasks[0].resources[0].accelerator, undefined)],
    ['a negative autostop turns it off', 'resources:\n  autostop: -1\n', (f) => assert.equal(f.tasks[0].resources[0].autostop?.enabled, false)],
    ['a negative priority', 'resources:\n  priority: -5\n', (f) => assert.equal(f.tasks.length, 1)],
    ['resource keys with no value', 'resources:\n  cpus:\n  memory:\n  infra:\n  any_of:\n', (f) => assert.equal(f.tasks[0].resources[0].cpus, undefined)],
    ['the mapping form of a volume', 'volumes:\n  /data:\n    name: vol-a\n', (f) => assert.deepEqual(f.tasks[0].volumes, { '/data': 'vol-a' })],
    [
      'an ephemeral volume (made and deleted with the cluster)',
      'volumes:\n  /scratch: {size: 10Gi, type: k8s-pvc, labels: {env: dev}, config: {storage_class_name: fast}}\n',
      (f) => {
        assert.deepEqual(f.tasks[0].volumes, {});
        assert.deepEqual(f.tasks[0].ephemeralVolumes, { '/scratch': { sizeGb: 10, accessMode: 'ReadWriteOnce', storageClassName: 'fast' } });
        assert.deepEqual(f.tasks[0].ignoredKeys, ['volumes./scratch.labels']);
      },
    ],
    ['SkyPilot-internal keys, reported as ignored', 'event_callback: echo done\nresources:\n  max_hourly_cost: 3\n', (f) => assert.deepEqual(f.tasks[0].ignoredKeys, ['event_callback', 'resources.max_hourly_cost'])],
  ];
  for (const [title, yaml, check] of accepted) {
    it(title, () => {
      const result = checkTaskYaml(base + yaml);
      assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
      check(result.file);
    });
  }
  it("YAML 1.1 scalars read as PyYAML reads them (on/off/yes/no, 0755, 1:30)", () => {
    const result = checkTaskYaml('name: t\nnum_nodes: 1:30\nenvs:\n  A: yes\n  B: off\n  C: 0755\n  D: "no"\nresources:\n  use_spot: on\n  infra: aws\nrun: echo\n');
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    const [t] = result.file.tasks;
    assert.equal(t.numNodes, 90);
    assert.deepEqual(t.envs, { A: 'True', B: 'False', C: '493', D: 'no' });
    assert.equal(t.resources[0].useSpot, true);
  });
  it('disk sizes in SkyPilot units that make whole GB', () => {
    const sizes = ['1024MB', '2Ti', '64gi', '1tb'].map((d) => checkTaskYaml(`${base}resources:\n  disk_size: ${d}\n`));
    assert.deepEqual(sizes.map((r) => (r.ok ? r.file.tasks[0].resources[0].diskSizeGb : r.problems.map(formatProblem).join())), [1, 2048, 64, 1024]);
  });
  it("'--memory 4x' multiplies each choice's own vCPUs", () => {
    const result = checkTaskYaml(`${base}resources:\n  ordered:\n    - cpus: 2\n    - cpus: 8\n`);
    assert.ok(result.ok);
    const task = applyLaunchInputs(result.file.tasks[0], { overrides: { memory: '4x' } });
    assert.deepEqual(task.resources.map((r) => r.memory?.value), [8, 32]);
  });
  it('a pipeline header with execution: serial', () => {
    const result = checkTaskYaml('name: pipe\nexecution: serial\n---\nname: a\nrun: echo a\n---\n---\nname: b\nrun: echo b\n');
    assert.ok(result.ok);
    assert.equal(result.file.pipelineName, 'pipe');
    assert.equal(result.file.tasks.length, 2);
  });
});

describe('SkyPilot rules Skyport enforces (each message names the field, the value and what is expected)', () => {
  const refused: Array<[string, string, string, RegExp]> = [
    ['spot_recovery was renamed', 'resources:\n  spot_recovery: FAILOVER\n', 'resources.spot_recovery', /renamed 'job_recovery'.*job_recovery: FAILOVER/],
    ['an unknown recovery strategy', 'resources:\n  job_recovery: sometimes\n', 'resources.job_recovery', /'sometimes' is not known: expected FAILOVER or EAGER_NEXT_REGION/],
    ['a replica range without target QPS', "service:\n  readiness_probe: /\n  replica_policy: {min_replicas: 1, max_replicas: 3}\n", 'service.replica_policy.target_qps_per_replica', /differ but target_qps_per_replica is not set/],
    ['a partial registry login', 'envs:\n  SKYPILOT_DOCKER_USERNAME: me\n', 'envs.SKYPILOT_DOCKER_USERNAME', /needs all three/],
    ['a zone on a cloud without zones', 'resources:\n  infra: lambda/us-east-1/z1\n', 'resources.infra', /zone 'z1' cannot be used: lambda has no zones/],
    ['a TPU off GCP', 'resources:\n  infra: aws\n  accelerators: tpu-v2-8\n', 'resources.accelerators', /'tpu-v2-8' is a TPU, which runs only on GCP or Kubernetes/],
    ['a GCP label with capitals', 'resources:\n  infra: gcp\n  labels: {Team: ml}\n', 'resources.labels.Team', /not a valid GCP label key/],
    ['an AWS tag key with aws:', "resources:\n  infra: aws\n  labels: {'aws:x': y}\n", 'resources.labels.aws:x', /not a valid AWS tag key/],
    ['a label value that is not a string', 'resources:\n  labels: {cost: 3}\n', 'resources.labels.cost', /expected a string .*got 3/],
    ['a task name with three dashes', 'name: a---b\nrun: echo\n', 'name', /task name 'a---b' is not valid: expected/],
    ['a relative volume path', 'volumes:\n  data: vol-a\n', 'volumes.data', /must be absolute/],
    ['an ephemeral volume of several nodes they cannot share', 'num_nodes: 2\nvolumes:\n  /scratch: {size: 10Gi}\n', 'volumes./scratch.config.access_mode', /mounted by all 2 nodes: set config.access_mode: ReadWriteMany/],
    ['an ephemeral volume that also names one', 'volumes:\n  /scratch: {name: v, size: 10Gi}\n', 'volumes./scratch.name', /both 'name' and 'size'/],
    ['run as a list', 'resources: {}\nsetup: [a, b]\n', 'setup', /expected a shell script .*got a list/],
    ['disk_size with a space', "resources:\n  disk_size: '256 GB'\n", 'resources.disk_size', /no space .*got '256 GB'/],
    ['disk_size that is not whole GB', 'resources:\n  disk_size: 1500MB\n', 'resources.disk_size', /'1500MB' is 1.46 GB: expected a whole number of GB/],
    ['memory in a unit SkyPilot does not know', 'resources:\n  memory: 16GiB\n', 'resources.memory', /'16GiB' is not a memory/],
    ['a YAML 1.1 false as a label value', 'resources:\n  labels: {debug: off}\n', 'resources.labels.debug', /expected a string .*got false/],
    ['a cloud image without a cloud', 'resources:\n  image_id: ami-0123\n', 'resources.image_id', /needs a cloud/],
    ['an unknown pipeline execution mode', 'name: p\nexecution: sideways\n---\nname: a\nrun: x\n', 'execution', /'sideways' is not valid: expected 'serial'/],
    ["a bad infra gets no two-letter guess", 'resources:\n  infra: doo\n', 'resources.infra', /^unknown infra 'doo': expected 'k8s'/],
  ];
  for (const [title, yaml, path, pattern] of refused) {
    it(title, () => {
      const text = yaml.startsWith('name:') ? yaml : base + yaml;
      const result = checkTaskYaml(text);
      assert.ok(!result.ok, 'accepted');
      const problem = result.problems.find((p) => p.path === path);
      assert.ok(problem, `no problem at ${path}: ${result.problems.map(formatProblem).join('; ')}`);
      assert.match(problem.message, pattern);
      assert.doesNotMatch(problem.message, /must be (integer|string|number)|must NOT/);
    });
  }
});
