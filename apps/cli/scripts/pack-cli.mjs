#!/usr/bin/env node
// Packs the skyport CLI as an installable npm package: skyport-cli-<version>.tgz.
//   npm run cli:pack [-- --out DIR]        (default DIR: dist/cli-pack at the repo root)
//   npm i -g DIR/skyport-cli-<version>.tgz
// The workspace libraries (@skyport/client, task-spec, config, contracts, ...) are not published, so esbuild
// bundles them from their TypeScript sources into one file, bin/skyport.js. Third-party packages stay external and
// become the package's dependencies, pinned to the versions in package-lock.json (the versions the tests ran).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'cli');
const LIBS = join(ROOT, 'libs') + sep;

class PackError extends Error {}

/** `@skyport/<lib>` → libs/<lib>/src/index.ts; every other package → external, to become a dependency. */
const workspaceSources = {
  name: 'workspace-sources',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      const lib = /^@skyport\/([^/]+)$/.exec(args.path)?.[1];
      if (lib) {
        const entry = join(ROOT, 'libs', lib, 'src', 'index.ts');
        if (!existsSync(entry)) throw new PackError(`${args.importer} imports ${args.path}, which has no libs/${lib}/src/index.ts`);
        // Our libraries do nothing when loaded (no registrations), so whatever the CLI does not use is left out:
        // e.g. the gRPC stubs in @skyport/contracts, which would otherwise pull in @grpc/grpc-js.
        return { path: entry, sideEffects: false };
      }
      return { path: args.path, external: true };
    });
    builder.onResolve({ filter: /^\./ }, async (args) => {
      if (!args.resolveDir.startsWith(LIBS) || args.pluginData === 'resolved') return undefined;
      const found = await builder.resolve(args.path, { resolveDir: args.resolveDir, importer: args.importer, kind: args.kind, pluginData: 'resolved' });
      return found.errors.length ? { errors: found.errors } : { path: found.path, sideEffects: false };
    });
  },
};

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The bundle's third-party imports, each at the version package-lock.json installed. */
function pinnedDependencies(imports) {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const names = [...new Set(imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageName(i.path)))].sort();
  return Object.fromEntries(
    names.map((name) => {
      const version = lock.packages?.[`node_modules/${name}`]?.version;
      if (!version) throw new PackError(`the CLI imports '${name}', which package-lock.json does not install at the top level; add it to the root package.json and run npm install`);
      return [name, version];
    }),
  );
}

async function bundle(outfile) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(CLI, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // No source maps: they would name this machine's paths, and the bundle stays readable without them.
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
    plugins: [workspaceSources],
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { inputs: Object.keys(output.inputs), imports: output.imports };
}

/**
 * Files the bundle reads next to itself. Only @skyport/catalog's CSVs are known: its CATALOG_DATA_DIR is
 * `<dir of the code>/../data`, which from bin/skyport.js is the package's data/. Anything else is refused, so an
 * installed CLI never looks for a file that only the checkout has.
 */
function shipDataFiles(inputs, code, pkgDir) {
  const catalogDataDir = inputs.includes('libs/catalog/src/data-dir.ts');
  if (catalogDataDir) cpSync(join(ROOT, 'libs', 'catalog', 'data'), join(pkgDir, 'data'), { recursive: true, filter: (src) => !src.endsWith('.md') });
  const uses = (code.match(/\b__dirname\b|\b__filename\b|\bimport\.meta\b/g) ?? []).length;
  if (uses > (catalogDataDir ? 1 : 0)) {
    throw new PackError('the bundled CLI refers to its own location (__dirname/__filename/import.meta) to read files; ship those files in the package (apps/cli/scripts/pack-cli.mjs) first');
  }
}

function packageJson(dependencies) {
  const cli = JSON.parse(readFileSync(join(CLI, 'package.json'), 'utf8'));
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return {
    name: cli.name,
    version: cli.version,
    description: cli.description,
    license: root.license,
    engines: root.engines,
    bin: { skyport: 'bin/skyport.js' },
    files: ['bin', 'data', 'README.md'],
    dependencies,
  };
}

/** The bundle must say the version it is packed as (`skyport --version` comes from program.ts). */
function checkVersion(bin, version) {
  const printed = execFileSync(process.execPath, [bin, '--version'], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, encoding: 'utf8' }).trim();
  if (printed !== version) throw new PackError(`the CLI says it is version ${printed}, apps/cli/package.json says ${version}: make VERSION in apps/cli/src/program.ts match`);
}

export async function packCli(outDir) {
  const pkgDir = mkdtempSync(join(tmpdir(), 'skyport-cli-pack-'));
  try {
    const bin = join(pkgDir, 'bin', 'skyport.js');
    const { inputs, imports } = await bundle(bin);
    chmodSync(bin, 0o755);
    shipDataFiles(inputs, readFileSync(bin, 'utf8'), pkgDir);
    const manifest = packageJson(pinnedDependencies(imports));
    writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    cpSync(join(CLI, 'README.md'), join(pkgDir, 'README.md'));
    checkVersion(bin, manifest.version);
    mkdirSync(outDir, { recursive: true });
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    return join(outDir, packed[0].filename);
  } finally {
    rmSync(pkgDir, { recursive: true, force: true });
  }
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  // `npm run` starts scripts at the repo root; a relative --out is meant from where the user typed it.
  const outDir = values.out ? resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : join(ROOT, 'dist', 'cli-pack');
  packCli(outDir).then(
    (tarball) => console.log(tarball),
    (error) => {
      console.error(`Error: ${error?.message ?? error}`);
      process.exit(1);
    },
  );
}
