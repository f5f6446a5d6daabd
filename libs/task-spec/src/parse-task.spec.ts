import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { AcceleratorNames } from './accelerators/accelerator-names';
import { assertClusterName, checkTaskYaml, parseTaskObject, parseTaskYaml } from './parse-task';
import type { TaskProblem } from './types/task-spec.types';

const names: AcceleratorNames = {
  canonical: (n) => ({ a100: 'A100', 'a100-80gb': 'A100-80GB', h100: 'H100', t4: 'T4', l4: 'L4' })[n.toLowerCase()],
  names: () => ['A100', 'A100-80GB', 'H100', 'T4', 'L4'],
};

function problems(yaml: string): TaskProblem[] {
  const result = checkTaskYaml(yaml, { acceleratorNames: names });
  assert.equal(result.ok, false, 'expected the task to be rejected');
  return result.ok ? [] : result.problems;
}

function task(yaml: string) {
  return parseTaskYaml(yaml, { acceleratorNames: names }).tasks[0];
}

describe('parseTaskYaml: a full task', () => {
  const yaml = `
name: train
workdir: .
num_nodes: 2
resources:
  infra: kubernetes/arn:aws:eks:us-east-1:123:cluster/gpu
  cpus: 8+
  memory: 32+
  accelerators: A100:8
  use_spot: false
  disk_size: 256
  image_id: docker:nvcr.io/nvidia/pytorch:24.07-py3
  ports: [8000, "8100-8102"]
  labels: {team: ml, cost: '3'}
  autostop: {idle_minutes: 10, down: true}
envs:
  MODEL: llama
  EPOCHS: 3
  DEBUG: true
  HF_TOKEN:
secrets:
  WANDB_API_KEY: null
file_mounts:
  /data: s3://bucket/data
  /ckpt:
    name: my-bucket
    mode: COPY
volumes:
  /mnt/cache: cache-vol
config:
  kubernetes:
    provision_timeout: 600
    pod_config:
      spec:
        runtimeClassName: nvidia
setup: pip install -r requirements.txt
run: |
  python train.py --epochs \${EPOCHS}
`;
  const t = task(yaml);
  it('keeps the top-level fields', () => {
    assert.equal(t.name, 'train');
    assert.equal(t.workdir, '.');
    assert.equal(t.numNodes, 2);
    assert.equal(t.setup, 'pip install -r requirements.txt');
    assert.match(t.run ?? '', /--epochs \$\{EPOCHS\}/);
  });
  it('normalises resources', () => {
    assert.equal(t.resources.length, 1);
    const r = t.resources[0];
    assert.deepEqual(r.infra, { provider: 'kubernetes', context: 'arn:aws:eks:us-east-1:123:cluster/gpu' });
    assert.deepEqual(r.cpus, { value: 8, orMore: true });
    assert.deepEqual(r.memory, { value: 32, orMore: true });
    assert.deepEqual(r.accelerator, { name: 'A100', count: 8 });
    assert.equal(r.useSpot, false);
    assert.equal(r.diskSizeGb, 256);
    assert.deepEqual(r.image, { kind: 'docker', image: 'nvcr.io/nvidia/pytorch:24.07-py3' });
    assert.deepEqual(r.ports, [{ from: 8000, to: 8000 }, { from: 8100, to: 8102 }]);
    assert.deepEqual(r.labels, { team: 'ml', cost: '3' });
    assert.deepEqual(r.autostop, { enabled: true, idleMinutes: 10, down: true });
  });
  it('turns env values into strings and keeps null as required', () => {
    assert.deepEqual(t.envs, { MODEL: 'llama', EPOCHS: '3', DEBUG: 'True', HF_TOKEN: null });
    assert.deepEqual(t.secrets, { WANDB_API_KEY: null });
  });
  it('keeps file mounts, volumes and config', () => {
    assert.deepEqual(t.fileMounts, [
      { target: '/data', source: 's3://bucket/data' },
      { target: '/ckpt', storage: { name: 'my-bucket', mode: 'COPY' } },
    ]);
    assert.deepEqual(t.volumes, { '/mnt/cache': 'cache-vol' });
    assert.equal(t.config.kubernetes?.provisionTimeout, 600);
    assert.deepEqual(t.config.kubernetes?.podConfig, { spec: { runtimeClassName: 'nvidia' } });
  });
  it('is plain JSON (it travels as task_json)', () => assert.deepEqual(JSON.parse(JSON.stringify(t)), t));
});

describe('parseTaskYaml: resource choices', () => {
  it('a minimal task gets one default resource choice', () => {
    const t = task('run: echo hi');
    assert.equal(t.numNodes, 1);
    assert.deepEqual(t.resources, [{ useSpot: false, ports: [], labels: {} }]);
  });
  it('any_of merges the base into each choice', () => {
    const t = task('resources:\n  cpus: 2+\n  any_of:\n    - infra: gcp/*/us-central1-a\n    - infra: aws/us-east-1\n      cpus: 4');
    assert.equal(t.resourcesOrder, 'any');
    assert.deepEqual(t.resources.map((r) => [r.infra, r.cpus?.value]), [
      [{ provider: 'gcp', zone: 'us-central1-a' }, 2],
      [{ provider: 'aws', region: 'us-east-1' }, 4],
    ]);
  });
  it('ordered keeps its order', () => {
    const t = task('resources:\n  ordered:\n    - accelerators: H100\n    - accelerators: T4');
    assert.equal(t.resourcesOrder, 'ordered');
    assert.deepEqual(t.resources.map((r) => r.accelerator?.name), ['H100', 'T4']);
  });
  it('an accelerator set expands into choices', () => {
    const t = task('resources:\n  accelerators: {A100:8, H100:8}');
    assert.equal(t.resourcesOrder, 'any');
    assert.deepEqual(t.resources.map((r) => r.accelerator), [{ name: 'A100', count: 8 }, { name: 'H100', count: 8 }]);
  });
  it('an accelerator list is an ordered preference', () => {
    const t = task('resources:\n  accelerators: [H100:1, A100:1]');
    assert.equal(t.resourcesOrder, 'ordered');
  });
  it('gpus is an alias of accelerators', () => assert.deepEqual(task('resources:\n  gpus: H100:8').resources[0].accelerator, { name: 'H100', count: 8 }));
  it('legacy cloud/region/zone', () => {
    assert.deepEqual(task('resources:\n  cloud: aws\n  region: us-east-2').resources[0].infra, { provider: 'aws', region: 'us-east-2' });
    assert.deepEqual(task('resources:\n  cloud: kubernetes').resources[0].infra, { provider: 'kubernetes' });
  });
  it('records keys it validates but ignores', () => {
    assert.deepEqual(task('resources:\n  disk_tier: best\n  network_tier: best').ignoredKeys, ['resources.disk_tier', 'resources.network_tier']);
  });
});

describe('parseTaskYaml: error paths', () => {
  const cases: Array<[string, string, string, RegExp, number?]> = [
    ['YAML syntax error with line and column', 'name: x\nresources: [a\nrun: y', '', /YAML syntax error/, 3],
    ['duplicate key', 'name: a\nname: b', '', /YAML syntax error: Map keys must be unique/, 2],
    ['unknown top-level key with suggestion', 'nmae: x', 'nmae', /unknown key 'nmae' at the top level; did you mean 'name'\?/, 1],
    ['unknown resource key with suggestion', 'resources:\n  acclerators: A100', 'resources.acclerators', /did you mean 'accelerators'\?/, 2],
    ['wrong type, with what was expected', 'num_nodes: two', 'num_nodes', /expected a whole number of nodes ≥ 1, got 'two'/, 1],
    ['num_nodes below 1', 'num_nodes: 0', 'num_nodes', /out of range/, 1],
    ['cpus syntax', 'resources:\n  cpus: 4++', 'resources.cpus', /'4\+\+' is not a CPU count/, 2],
    ['memory syntax', 'resources:\n  memory: big', 'resources.memory', /not a memory/, 2],
    ['accelerator near miss', 'resources:\n  accelerators: A100-80G:8', 'resources.accelerators', /unknown accelerator 'A100-80G'; did you mean 'A100-80GB'\?/, 2],
    ['accelerator near miss in a set', 'resources:\n  accelerators: {A100-80G:1, A100:1}', 'resources.accelerators', /did you mean 'A100-80GB'/, 2],
    ['unknown cloud', 'resources:\n  infra: azur', 'resources.infra', /did you mean 'azure'/, 2],
    ['infra and cloud both', 'resources:\n  infra: aws\n  cloud: gcp', 'resources.cloud', /keep only 'infra'/, 3],
    ['gpus and accelerators both', 'resources:\n  gpus: A100\n  accelerators: A100', 'resources.gpus', /set only one/, 2],
    ['any_of and ordered both', 'resources:\n  any_of: [{cpus: 2}]\n  ordered: [{cpus: 4}]', 'resources.ordered', /either 'any_of' or 'ordered'/, 3],
    ['bad port', 'resources:\n  ports: http', 'resources.ports', /not a port/, 2],
    ['bad autostop', 'resources:\n  autostop: soon', 'resources.autostop', /not an idle time/, 2],
    ['bad autostop key', 'resources:\n  autostop: {idle: 5}', 'resources.autostop.idle', /did you mean 'idle_minutes'/, 2],
    ['error inside any_of', 'resources:\n  any_of:\n    - cpus: 2\n    - cpus: x', 'resources.any_of[1].cpus', /not a CPU count/, 4],
    ['bad env name', 'envs:\n  1ST: x', 'envs.1ST', /not a valid variable name/, 2],
    ['bad disk_tier', 'resources:\n  disk_tier: fastest', 'resources.disk_tier', /one of low, medium, high, ultra, best/, 2],
    ['service: unknown key', 'service:\n  replica: 2\nrun: x', 'service.replica', /did you mean 'replicas'/, 2],
    ['file mount mode', 'file_mounts:\n  /d:\n    name: b\n    mode: FAST', 'file_mounts./d.mode', /expected/, 4],
    ['not a mapping', '- a\n- b', '', /expected a mapping of task keys/, 1],
    ['bad label key', 'resources:\n  labels:\n    "my label": x', 'resources.labels.my label', /not a valid Kubernetes label/, 3],
    ['bad label value', 'resources:\n  labels:\n    team: "-ml-"', 'resources.labels.team', /invalid value '-ml-'/, 3],
    ['bad label prefix', 'resources:\n  labels:\n    Example.COM/team: ml', 'resources.labels.Example.COM/team', /invalid prefix/, 3],
    ['spot on Kubernetes', 'resources:\n  infra: k8s\n  use_spot: true', 'resources.use_spot', /Kubernetes has no spot capacity/, 3],
    ['cloud instance type on Kubernetes', 'resources:\n  infra: kubernetes/ctx\n  instance_type: m6i.large', 'resources.instance_type', /on Kubernetes use the pod shape/, 3],
  ];
  for (const [title, yaml, path, pattern, line] of cases) {
    it(title, () => {
      const found = problems(yaml);
      const match = found.find((p) => p.path === path && pattern.test(p.message));
      assert.ok(match, `no problem at '${path}' matching ${pattern}; got ${JSON.stringify(found)}`);
      if (line !== undefined) assert.equal(match.line, line);
      assert.ok(match.column === undefined || match.column >= 1);
    });
  }
  it('an unknown key does not hide the other mistakes', () => {
    const found = problems('resources:\n  cpuz: 4\n  accelerators: A100-80G:8');
    assert.deepEqual(found.map((p) => p.path), ['resources.cpuz', 'resources.accelerators']);
  });
  it('an empty file', () => assert.match(problems('# nothing\n')[0].message, /no task in it/));
  it('reports every problem, not only the first', () => assert.equal(problems('resources:\n  cpus: x\n  memory: y\n  ports: z').length, 3));

  it('a deliberately unsupported key is named as such', () => {
    const [p] = problems('pool:\n  workers: 2\nrun: x');
    assert.equal(p.unsupportedKey, 'pool');
    assert.match(p.message, /unsupported key 'pool'/);
  });

  it('throws SkyportError(INVALID_TASK) with the problems in details', () => {
    assert.throws(
      () => parseTaskYaml('resources:\n  cpuz: 1', { source: 'task.yaml' }),
      (e: unknown) => {
        assert.ok(e instanceof SkyportError);
        assert.equal(e.code, ErrorCode.InvalidTask);
        assert.match(e.userMessage, /^Invalid task file task\.yaml:\n {2}- resources\.cpuz \(line 2, column 3\): unknown key 'cpuz'/);
        assert.equal((e.details?.problems as TaskProblem[]).length, 1);
        return true;
      },
    );
  });
});

describe('multi-document files', () => {
  it('a pipeline: the first document names it, each task is checked', () => {
    const file = parseTaskYaml('name: pipe\n---\nname: a\nrun: echo a\n---\nname: b\nrun: echo b\n', { acceleratorNames: names });
    assert.equal(file.pipelineName, 'pipe');
    assert.deepEqual(file.tasks.map((t) => t.name), ['a', 'b']);
  });
  it('a problem in the second task names the document', () => {
    const found = problems('name: a\nrun: x\n---\nname: b\nresources:\n  cpus: lots\n');
    assert.equal(found[0].document, 2);
    assert.equal(found[0].line, 6);
  });
  it('a name in both envs and secrets: the secret wins (as in SkyPilot), the env is reported as unused', () => {
    const [task] = parseTaskYaml('envs:\n  A: x\n  B: b\nsecrets:\n  A: null\nrun: x\n', { acceleratorNames: names }).tasks;
    assert.deepEqual(task.envs, { B: 'b' });
    assert.deepEqual(task.secrets, { A: null });
    assert.deepEqual(task.ignoredKeys, ['envs.A']);
  });
  it('a job group: the header names it, its tasks are checked (job-group-header.spec.ts has the rules)', () => {
    const file = parseTaskYaml('---\nname: g\nexecution: parallel\n---\nname: a\nrun: x\n---\nname: b\nrun: y\n', { acceleratorNames: names });
    assert.equal(file.jobGroup?.name, 'g');
    assert.deepEqual(file.tasks.map((t) => t.name), ['a', 'b']);
  });
  it('execution in a task (not a header) is refused, naming where it belongs', () => {
    const found = problems('name: a\nexecution: parallel\nrun: x\n');
    assert.match(found[0].message, /belongs in a pipeline's or job group's header/);
  });
});

describe('parseTaskObject', () => {
  it('checks an already-parsed task the same way', () => {
    assert.equal(parseTaskObject({ resources: { cpus: '2+' }, run: 'x' }, { acceleratorNames: names }).resources[0].cpus?.value, 2);
    assert.throws(() => parseTaskObject({ resources: { cpuz: 1 } }), /did you mean 'cpus'/);
  });
});

describe('cluster names', () => {
  it('accepts a DNS-1123 label', () => assert.doesNotThrow(() => assertClusterName('my-cluster-1')));
  for (const bad of ['My_Cluster', '1abc', 'a'.repeat(43), '', 'ends-']) {
    it(`rejects ${JSON.stringify(bad)}`, () =>
      assert.throws(() => assertClusterName(bad), (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.InvalidClusterName));
  }
});
