import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { parseTaskYaml } from '../parse-task';
import { applyLaunchInputs } from './apply-launch-inputs';
import { substituteVariables } from './substitute';

const base = parseTaskYaml(`
resources:
  cpus: 2
  accelerators: {A100:1, H100:1}
envs:
  SIZE: 7
  HF_TOKEN:
secrets:
  WANDB_API_KEY:
file_mounts:
  /models/llama-\${SIZE}b: s3://models/llama-\${SIZE}b
  /cache/\${UNDEFINED}: ./cache
run: echo \${SIZE}
`).tasks[0];

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.InvalidTask && pattern.test(e.userMessage));
}

describe('applyLaunchInputs', () => {
  const filled = { envs: { HF_TOKEN: 'hf' }, secrets: { WANDB_API_KEY: 'w' } };

  it('names the missing env and its flag', () => {
    rejects(() => applyLaunchInputs(base, { secrets: { WANDB_API_KEY: 'w' } }), /environment variable 'HF_TOKEN': pass it with --env HF_TOKEN=<value>/);
  });
  it('names the missing secret and its flag', () => {
    rejects(() => applyLaunchInputs(base, { envs: { HF_TOKEN: 'x' } }), /secret 'WANDB_API_KEY': pass it with --secret WANDB_API_KEY=<value>/);
  });
  it('lists several missing values at once', () => {
    assert.throws(
      () => applyLaunchInputs(base),
      (e: unknown) =>
        e instanceof SkyportError &&
        /--env HF_TOKEN=<value> --secret WANDB_API_KEY=<value>/.test(e.userMessage) &&
        (e.details?.missing as unknown[]).length === 2,
    );
  });
  it('fills envs and secrets and substitutes ${VAR} in file mounts', () => {
    const t = applyLaunchInputs(base, { ...filled, envs: { ...filled.envs, SIZE: '13' } });
    assert.deepEqual(t.envs, { SIZE: '13', HF_TOKEN: 'hf' });
    assert.deepEqual(t.secrets, { WANDB_API_KEY: 'w' });
    assert.deepEqual(t.fileMounts[0], { target: '/models/llama-13b', source: 's3://models/llama-13b' });
    assert.equal(t.fileMounts[1].target, '/cache/${UNDEFINED}', 'an undefined reference is left for the shell');
    assert.equal(t.run, 'echo ${SIZE}', 'run/setup get the envs exported; the shell expands them');
  });
  it('does not change its input', () => {
    applyLaunchInputs(base, filled);
    assert.equal(base.envs.HF_TOKEN, null);
  });
  it('applies resource overrides to every choice', () => {
    const t = applyLaunchInputs(base, { ...filled, overrides: { cpus: '8+', memory: '64', infra: 'k8s/ctx-b', useSpot: false, numNodes: 3, imageId: 'docker:ubuntu:22.04' } });
    assert.equal(t.numNodes, 3);
    assert.equal(t.resources.length, 2);
    for (const r of t.resources) {
      assert.deepEqual(r.cpus, { value: 8, orMore: true });
      assert.deepEqual(r.memory, { value: 64, orMore: false });
      assert.deepEqual(r.infra, { provider: 'kubernetes', context: 'ctx-b' });
      assert.equal(r.useSpot, false);
      assert.deepEqual(r.image, { kind: 'docker', image: 'ubuntu:22.04' });
    }
  });
  it('--gpus replaces the accelerator choices', () => {
    const t = applyLaunchInputs(base, { ...filled, overrides: { gpus: 'T4:2' } });
    assert.deepEqual(t.resources.map((r) => r.accelerator), [{ name: 'T4', count: 2 }]);
  });
  const badFlags: Array<[object, RegExp]> = [
    [{ overrides: { cpus: 'many' } }, /^--cpus: 'many' is not a CPU count/],
    [{ overrides: { memory: 'x' } }, /^--memory:/],
    [{ overrides: { infra: 'awz' } }, /^--infra: unknown infra 'awz'; did you mean 'aws'/],
    [{ overrides: { numNodes: 0 } }, /^--num-nodes: expected a whole number/],
    [{ overrides: { infra: 'k8s', useSpot: true } }, /^--use-spot: Kubernetes has no spot capacity/],
    [{ envs: { 'BAD-NAME': 'x' } }, /^--env BAD-NAME: 'BAD-NAME' is not a valid variable name/],
    [{ envs: { WANDB_API_KEY: 'x' } }, /is a secret in the task; pass it with --secret WANDB_API_KEY/],
  ];
  for (const [inputs, pattern] of badFlags) {
    it(`rejects ${JSON.stringify(inputs)}`, () => rejects(() => applyLaunchInputs(base, { ...filled, ...inputs, envs: { ...filled.envs, ...(inputs as { envs?: object }).envs } }), pattern));
  }
  it('a storage mount left without a name fails at launch', () => {
    const t = parseTaskYaml('file_mounts:\n  /ckpt:\n    name:\n    mode: COPY\n').tasks[0];
    rejects(() => applyLaunchInputs(t), /file_mounts\.\/ckpt: the storage has neither a 'name' nor a 'source'/);
  });
});

describe('substituteVariables', () => {
  const cases: Array<[string, string]> = [
    ['${A}-$B', 'x-y'],
    ['${A}${A}', 'xx'],
    ['${NOPE}/$NOPE', '${NOPE}/$NOPE'],
    ['$$A', '$x'],
    ['no refs', 'no refs'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.equal(substituteVariables(input, { A: 'x', B: 'y' }), expected));
});
