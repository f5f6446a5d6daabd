import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installPackedCli, runInstalledCli, type CliRun, type InstalledCli } from '@skyport/dev-stack';
import { completeInBash } from './completion/complete-in-shell';

/**
 * The CLI as users get it: `npm run cli:pack`, `npm i -g` of the tarball into a scratch prefix, then the installed
 * `skyport` run by name from a directory outside the checkout, with a scratch HOME.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
const dir = mkdtempSync(path.join(tmpdir(), 'skyport-cli-install-'));
const prefix = path.join(dir, 'prefix');
const elsewhere = path.join(dir, 'elsewhere');
let tarball = '';
let closedPort = 0;

let cli: InstalledCli;

before(async () => {
  mkdirSync(elsewhere);
  mkdirSync(path.join(dir, 'home'));
  cli = installPackedCli(dir);
  tarball = cli.tarball;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function skyport(args: string[]): Promise<CliRun> {
  return runInstalledCli(cli, args, { cwd: elsewhere, env: { HOME: path.join(dir, 'home'), SKYPORT_API_URL: `http://127.0.0.1:${closedPort}` } });
}

describe('the packed CLI', () => {
  it(`is skyport-cli-${VERSION}.tgz with the bundled program, its manifest and README only`, () => {
    assert.equal(path.basename(tarball), `skyport-cli-${VERSION}.tgz`);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, ['package/README.md', 'package/bin/skyport.js', 'package/package.json']);
    assert.ok(!files.some((f) => /\.ts$|\.map$|spec|test/.test(f)), 'no sources, source maps or tests');
  });

  it('is publishable, and its dependencies are third-party packages pinned to the lock file', () => {
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as {
      private?: boolean;
      version: string;
      bin: Record<string, string>;
      dependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.version, VERSION);
    assert.deepEqual(manifest.bin, { skyport: 'bin/skyport.js' });
    assert.ok(Object.keys(manifest.dependencies).includes('commander'));
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      assert.ok(!name.startsWith('@skyport/'), `${name} is bundled, not a dependency`);
      assert.equal(version, lock.packages[`node_modules/${name}`]?.version, name);
    }
    // The gRPC stubs of @skyport/contracts are left out: the CLI speaks HTTP only.
    assert.ok(!('@grpc/grpc-js' in manifest.dependencies));
  });

  it('names no path of this machine and carries no source map', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', '@skyport', 'cli');
    const bundle = readFileSync(path.join(installed, 'bin', 'skyport.js'), 'utf8');
    assert.ok(!bundle.includes(ROOT), 'the checkout path is in the bundle');
    assert.ok(!bundle.includes(tmpdir()), 'a temporary path is in the bundle');
    assert.doesNotMatch(bundle, /sourceMappingURL/);
    assert.deepEqual(readdirSync(installed).sort(), ['README.md', 'bin', 'node_modules', 'package.json']);
  });
});

describe('the installed skyport, run from outside the checkout', () => {
  it('--version prints the package version', async () => {
    const run = await skyport(['--version']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), VERSION);
  });

  it('--help lists the commands', async () => {
    const run = await skyport(['--help']);
    assert.equal(run.code, 0, run.stderr);
    for (const name of ['launch', 'exec', 'status', 'logs', 'ssh', 'down', 'check', 'api', 'completion']) assert.match(run.stdout, new RegExp(`^  ${name}\\b`, 'm'));
  });

  for (const command of [['api', 'login'], ['api', 'info'], ['check'], ['launch'], ['exec'], ['logs'], ['ssh'], ['status'], ['down'], ['queue'], ['cancel'], ['validate']]) {
    it(`${command.join(' ')} --help`, async () => {
      const run = await skyport([...command, '--help']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: skyport ${command.join(' ')} `));
    });
  }

  it('api login --token-file: an unreadable or malformed file is a usage error and nothing is saved', async () => {
    const missing = await skyport(['api', 'login', '-e', 'http://127.0.0.1:9', '--token-file', 'no-such-token']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /cannot read the token file no-such-token: ENOENT/);
    writeFileSync(path.join(elsewhere, 'two-tokens'), 'sk-a sk-b\n');
    const two = await skyport(['api', 'login', '-e', 'http://127.0.0.1:9', '--token-file', 'two-tokens']);
    assert.equal(two.code, 2, two.stderr);
    assert.match(two.stderr, /does not hold one token/);
    const both = await skyport(['api', 'login', '--token', 'sk-a', '--token-file', 'two-tokens']);
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--token or --token-file, not both/);
  });

  it('validates a task offline (task-spec, its schema and YAML parser are in the package)', async () => {
    writeFileSync(path.join(elsewhere, 'task.yaml'), 'resources:\n  cpus: 2+\n  accelerators: A100:1\nrun: echo hi\n');
    const ok = await skyport(['validate', 'task.yaml', '-o', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { valid: boolean }).valid, true);
    writeFileSync(path.join(elsewhere, 'bad.yaml'), 'resources:\n  acelerators: A100\n');
    const bad = await skyport(['validate', 'bad.yaml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr + bad.stdout, /accelerators/);
  });

  it('talks to the api through the bundled client: an unreachable api is one actionable line, exit 1', async () => {
    const run = await skyport(['status']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: cannot reach the Skyport api at http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('completion bash: the script completes `skyport la<TAB>` to launch', async () => {
    const run = await skyport(['completion', 'bash']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(completeInBash(run.stdout, ['skyport', 'la']), ['launch']);
    assert.deepEqual(completeInBash(run.stdout, ['skyport', 'api', '']), ['info', 'login', 'help']);
  });

  it('completion zsh prints a #compdef script; completion --help says how to install both', async () => {
    const zsh = await skyport(['completion', 'zsh']);
    assert.equal(zsh.code, 0, zsh.stderr);
    assert.match(zsh.stdout, /^#compdef skyport\n/);
    const help = await skyport(['completion', '--help']);
    assert.match(help.stdout, /source <\(skyport completion bash\)/);
    assert.match(help.stdout, /fpath/);
  });
});
