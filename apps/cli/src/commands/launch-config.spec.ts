import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConfigOverrides, parseSkyportConfig, type IgnoredConfigKey } from '@skyport/config';
import type { CliContext } from '../context/cli-context';
import { withClientConfig } from './launch-config';
import type { PreparedTask } from './task-options';

function ctxWith(file: string, overrides: string[] = []): { ctx: CliContext; notes: string[] } {
  const notes: string[] = [];
  const ctx = {
    configLayers: () => ({ file: parseSkyportConfig(file), overrides: parseConfigOverrides(overrides).config }),
    configNote: (source: string, keys: readonly IgnoredConfigKey[], what?: string) => {
      if (keys.length) notes.push(`${source}: ${keys.map((k) => k.key).join(', ')}: ${what}`);
    },
  } as unknown as CliContext;
  return { ctx, notes };
}

const task = (yaml: string): PreparedTask => ({ yaml, source: 'task.yaml', overrides: {}, envs: {}, secrets: {}, numNodes: 1 });

describe('a launch carries the user config', () => {
  it("puts the file's pod_config / custom_metadata / provision_timeout under the task's own config, --config above", () => {
    const { ctx, notes } = ctxWith(
      'kubernetes:\n  allowed_contexts: [a]\n  provision_timeout: 30\n  custom_metadata: {labels: {owner: me}}\n',
      ['kubernetes.provision_timeout=90'],
    );
    const out = withClientConfig(ctx, task('# my task\nname: t\nconfig:\n  kubernetes:\n    provision_timeout: 60\n    pod_config: {spec: {runtimeClassName: nvidia}}\nrun: echo hi\n'));
    const doc = parse(out.yaml) as { name: string; config: { kubernetes: Record<string, unknown> } };
    assert.equal(doc.name, 't');
    assert.deepEqual(doc.config.kubernetes, { provision_timeout: 90, custom_metadata: { labels: { owner: 'me' } }, pod_config: { spec: { runtimeClassName: 'nvidia' } } });
    assert.match(out.yaml, /^# my task/, 'the rest of the file is kept as written');
    assert.deepEqual(notes, ["your config: kubernetes.allowed_contexts: server-side only, ignored here (the server's config decides them)"]);
  });

  it('leaves the task alone when nothing travels', () => {
    const { ctx } = ctxWith('api:\n  endpoint: http://127.0.0.1:1\n');
    const t = task('run: echo hi\n');
    assert.equal(withClientConfig(ctx, t), t);
  });

  it('adds a config section to a task without one', () => {
    const { ctx } = ctxWith('kubernetes:\n  provision_timeout: 30\n');
    assert.deepEqual((parse(withClientConfig(ctx, task('run: echo hi\nconfig: null\n')).yaml) as { config: unknown }).config, { kubernetes: { provision_timeout: 30 } });
  });
});
