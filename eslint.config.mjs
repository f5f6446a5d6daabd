// Lint for the whole workspace: module boundaries between Nx projects (tags in each project.json) and the
// TypeScript rules that catch real bugs in async service code.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';

// @nx/enforce-module-boundaries reads Nx's cached project graph and, when there is none (a fresh clone, nothing run
// through nx yet), prints one warning and checks nothing; an old cache has old tags. So every eslint run builds
// the graph first (about a second; no daemon left behind unless the caller asked for one).
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: true });

/** Test code: it may use the local stack's tools, any lib and the fixtures production code must not. */
const TEST_FILES = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', '**/testing/**'];
/** Projects that are test code as a whole: the suites in test/, the benchmarks, the local stack's tools. */
const TEST_PROJECTS = ['test/**', 'bench/**', 'tools/**'];

/**
 * What each scope may import in production code. Scopes of libs: `shared` (pure code any project may use),
 * `client` (the typed HTTP client), `server` (Postgres, queues, gRPC, telemetry, SSH, cloud SDKs), `kube` (the
 * Kubernetes door), `tools` (the local stack and test helpers). Apps never import an app (Nx refuses that itself).
 */
const SERVER = ['scope:shared', 'scope:server'];
const PRODUCTION_SCOPES = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:server', onlyDependOnLibsWithTags: SERVER },
  { sourceTag: 'scope:kube', onlyDependOnLibsWithTags: SERVER },
  // The ssh gateway execs into cluster pods: the api's one use of the Kubernetes door.
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: [...SERVER, 'scope:kube'] },
  // The optimizer plans from the provisioner's capacity answers; it never talks to Kubernetes itself.
  { sourceTag: 'scope:optimizer', onlyDependOnLibsWithTags: SERVER },
  { sourceTag: 'scope:provisioner', onlyDependOnLibsWithTags: [...SERVER, 'scope:kube'] },
  { sourceTag: 'scope:logs', onlyDependOnLibsWithTags: [...SERVER, 'scope:kube'] },
  { sourceTag: 'scope:autodown', onlyDependOnLibsWithTags: [...SERVER, 'scope:kube'] },
  // What runs on a user's machine or in a browser: no database, queue, Kubernetes or server code.
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:client'] },
  { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:shared', 'scope:client'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: [...SERVER, 'scope:kube', 'scope:tools'] },
  { sourceTag: 'scope:tests', onlyDependOnLibsWithTags: ['*'] },
];
/** Test files of every project may use any lib (the CLI's integration tests migrate a database, for example). */
const TEST_SCOPES = PRODUCTION_SCOPES.map(({ sourceTag }) => ({ sourceTag, onlyDependOnLibsWithTags: ['*'] }));

const LAYERS = [
  // Contracts are the shared language: they depend on nothing of ours and on no runtime framework.
  {
    sourceTag: 'type:contract',
    onlyDependOnLibsWithTags: ['type:contract'],
    bannedExternalImports: ['typeorm', '@nestjs/*', 'bullmq', 'ioredis', '@kubernetes/client-node', 'pg'],
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contract', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contract', 'type:util', 'type:data-access'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contract', 'type:util', 'type:data-access'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contract', 'type:util', 'type:data-access', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:compat', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['*'] },
];

/** Test files may also use the test tooling (`type:testing`: the local stack, fixtures). */
const TEST_LAYERS = LAYERS.map((c) => (c.onlyDependOnLibsWithTags.includes('*') ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }));

const boundaries = (layers, scopes) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: [...layers, ...scopes] },
];

/**
 * The names a lib exports from its `testing/` folders and `*.fixture.ts` files, by package: production code may not
 * import them, even through the lib's main entry point (which must not re-export them: test code imports them from
 * the lib's `testing` entry point, `@skyport/<lib>/testing`).
 */
function fixtureExports() {
  const paths = [];
  const libs = join(import.meta.dirname, 'libs');
  for (const dir of readdirSync(libs)) {
    const src = join(libs, dir, 'src');
    if (!existsSync(src)) continue;
    const files = readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && !/\.(integration-|e2e-)?spec\.ts$/.test(f) && (/(^|\/)testing\//.test(f) || f.endsWith('.fixture.ts')));
    const names = new Set();
    for (const f of files) {
      for (const m of readFileSync(join(src, f), 'utf8').matchAll(/^export (?:declare )?(?:async )?(?:function\*?|const|let|class|interface|type|enum) +([A-Za-z0-9_$]+)/gm)) names.add(m[1]);
    }
    if (names.size) paths.push({ name: JSON.parse(readFileSync(join(libs, dir, 'package.json'), 'utf8')).name, importNames: [...names].sort(), message: 'a test fixture: production code does not use it' });
  }
  return paths;
}

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', 'deploy/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: { '@nx/enforce-module-boundaries': boundaries(LAYERS, PRODUCTION_SCOPES) },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: [...TEST_FILES, ...TEST_PROJECTS],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: fixtureExports(),
          patterns: [{ group: ['**/testing', '**/testing/*', '**/*.fixture'], message: 'test code: production code does not import it' }],
        },
      ],
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries(TEST_LAYERS, TEST_SCOPES) },
  },
  {
    // NestJS injects by the runtime class of a constructor parameter: those imports must stay value imports.
    files: ['apps/**/*.ts', 'libs/service-kit/**/*.ts', 'libs/persistence/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
];
