import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTaskYaml, parseTaskObject, parseTaskYaml } from '../parse-task';
import { applyLaunchInputs } from '../overrides/apply-launch-inputs';
import { DEFAULT_TASK_BOUNDS, taskBoundProblems } from './task-bounds';

function problemsOf(text: string): string[] {
  const r = checkTaskYaml(text);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

function deep(levels: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('task bounds (each refusal names the bound)', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['num_nodes', 'num_nodes: 1000000\nrun: x\n', /^num_nodes: 1000000 is above the limit of 512 \(bound num_nodes ≤ 512/],
    ['cpus', 'resources:\n  cpus: 100000\n', /^resources\.cpus: .*bound cpus ≤ 1024/],
    ['memory', 'resources:\n  memory: 100000000\n', /^resources\.memory: .*bound memory_gb/],
    ['accelerators', 'resources:\n  accelerators: A100:1000\n', /^resources\.accelerators: 1000 .*bound accelerators ≤ 64/],
    ['disk', 'resources:\n  disk_size: 10000000\n', /^resources\.disk_size: .*bound disk_size_gb/],
    ['ports', 'resources:\n  ports: 1000-9000\n', /^resources\.ports: 8001 ports .*bound ports ≤ 100/],
    ['autostop', 'resources:\n  autostop: 100000000\n', /bound autostop_minutes/],
    ['provision_timeout', 'config:\n  kubernetes:\n    provision_timeout: 10000000\n', /^config\.kubernetes\.provision_timeout: .*bound provision_timeout/],
    ['envs', `envs:\n${Array.from({ length: 1001 }, (_, i) => `  E${i}: v`).join('\n')}\n`, /bound (envs|max_list_length)/],
    ['string length', `run: ${'x'.repeat(300_000)}\n`, /^run: a string of 300000 characters .*bound max_string_length/],
  ];
  for (const [name, text, expected] of cases) {
    it(`refuses ${name} above its bound`, () => {
      const problems = problemsOf(text);
      assert.ok(problems.some((p) => expected.test(p)), problems.join('\n'));
    });
  }

  it('accepts a task within every bound', () => {
    assert.deepEqual(problemsOf('num_nodes: 512\nresources:\n  cpus: 8\n  memory: 32\n  ports: 8000-8099\nrun: x\n'), []);
  });

  it('refuses a 200k-deep object quickly, without recursing into it', () => {
    const started = Date.now();
    assert.throws(() => parseTaskObject({ run: 'x', config: deep(200_000) }), /nested more than 32 levels deep \(bound max_depth ≤ 32\)/);
    assert.ok(Date.now() - started < 2_000);
  });

  it('refuses deep YAML flow nesting with a task error, not a crash', () => {
    assert.throws(() => parseTaskYaml(`run: x\nconfig: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`), (e: { code?: string }) => e.code === 'INVALID_TASK');
  });

  it('honours a server override of num_nodes', () => {
    assert.equal(checkTaskYaml('num_nodes: 600\nrun: x\n', { bounds: { numNodes: 1000 } }).ok, true);
  });

  it('checks again after launch overrides (--num-nodes cannot go around the bound)', () => {
    const task = applyLaunchInputs(parseTaskYaml('run: x\n').tasks[0], { overrides: { numNodes: 1_000_000 } });
    assert.match(taskBoundProblems(task)[0].message, /bound num_nodes ≤ 512/);
    assert.equal(DEFAULT_TASK_BOUNDS.numNodes, 512);
  });
});
