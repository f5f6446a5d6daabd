import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';
import { DOCKERFILE, dockerfileStages } from './support/dockerfile';

const SERVICES = ['api', 'optimizer', 'provisioner', 'logs', 'autodown'];

describe('deploy/docker/Dockerfile', () => {
  const stages = dockerfileStages();
  const byName = new Map(stages.map((s) => [s.name, s]));

  it('builds on node:20-slim and runs the runtime as a non-root numeric user', () => {
    assert.match(readFileSync(DOCKERFILE, 'utf8'), /^ARG NODE_IMAGE=node:20-slim$/m);
    const build = byName.get('build');
    const runtime = byName.get('skyport');
    assert.ok(build && runtime, 'stages build and skyport');
    assert.equal(build.from, '${NODE_IMAGE}');
    // the runtime defaults to the same base; deploy/scripts/build-image.sh passes one made here (RUNTIME_IMAGE)
    assert.match(readFileSync(DOCKERFILE, 'utf8'), /^ARG RUNTIME_IMAGE=\$\{NODE_IMAGE\}$/m);
    assert.equal(runtime.from, '${RUNTIME_IMAGE}');
    const user = runtime.lines.find((l) => l.startsWith('USER '));
    assert.match(user ?? '', /^USER [1-9]\d*:[1-9]\d*$/, 'numeric non-root uid:gid (runAsNonRoot can verify it)');
    // The runtime gets only the assembled tree (the build stage's, or with APP_FROM=context one assembled outside):
    // no sources, no dev dependencies, no compiler.
    assert.deepEqual(
      runtime.lines.filter((l) => l.startsWith('COPY')),
      ['COPY --from=app --chown=0:0 /app /app'],
    );
    assert.match(readFileSync(DOCKERFILE, 'utf8'), /^ARG APP_FROM=build$/m);
    assert.equal(byName.get('app')?.from, '${APP_FROM}');
    assert.ok(build.lines.some((l) => l.includes('npm prune --omit=dev')), 'dev dependencies are pruned');
    assert.ok(build.lines.some((l) => l.includes('assemble-runtime.mjs')));
  });

  it('has a target per service whose entry point exists in the repository', () => {
    for (const svc of SERVICES) {
      const stage = byName.get(svc);
      assert.ok(stage, `target ${svc}`);
      assert.equal(stage.from, 'skyport', `${svc} shares the runtime image's layers`);
      const cmd = stage.lines.find((l) => l.startsWith('CMD '));
      const argv = JSON.parse(cmd!.slice(4)) as string[];
      assert.equal(argv[0], 'node');
      assert.equal(argv.at(-1), `apps/${svc}/dist/main.js`);
      assert.ok(existsSync(join(repoRoot(), 'apps', svc, 'src', 'main.ts')), `apps/${svc}/src/main.ts`);
    }
    const migrate = JSON.parse(byName.get('migrate')!.lines.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];
    assert.deepEqual(migrate, ['node', 'libs/persistence/dist/cli/migrate.js', 'run']);
    assert.ok(existsSync(join(repoRoot(), 'libs/persistence/src/cli/migrate.ts')));
    // Without --target, the all-in-one image.
    assert.equal(stages.at(-1)!.from, 'skyport');
  });

  it('keeps build output, dependencies and local state out of the build context', () => {
    const ignore = readFileSync(join(repoRoot(), 'deploy', 'docker', 'Dockerfile.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['**/node_modules', '**/dist', '.git', '.skyport', '.env']) assert.ok(ignore.includes(entry), `ignores ${entry}`);
  });
});
