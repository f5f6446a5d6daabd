import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedCli, localRegistry, repoRoot, runInstalledCli, startKubeCluster, type CliRun, type InstalledCli } from '@skyport/dev-stack';
import { waitFor } from '@skyport/e2e/dist/real-nodes/real-stack';
import { BUILD_TIMEOUT_MS, dockerCompose, ensureTools, run, runAsync } from './support/tools';

const CLUSTER = 'compose';
const PROJECT = 'skyport-e2e';
const FILES = ['-f', 'docker-compose.yml', '-f', 'deploy/compose/host-network.yml'];
/** podman-compose 1.0.3's fix-ups for `network_mode: host` (see the script). */
const PODMAN = join(repoRoot(), 'deploy', 'compose', 'podman-host-network.sh');
/** Host ports of this run (the host-network layout: every server on 127.0.0.1). */
const PORTS = { api: 26700, optimizer: 26701, provisioner: 26702, logs: 26703, apiHealth: 26710, optimizerHealth: 26711, provisionerHealth: 26712, logsHealth: 26713, autodownHealth: 26714, postgres: 26720, redis: 26721 };
const LONG_RUNNING = ['postgres', 'redis', 'api', 'optimizer', 'provisioner', 'logs', 'autodown'];

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root: real nodes and rootful podman';
  for (const tool of ['/usr/bin/podman', '/usr/bin/podman-compose', '/usr/bin/buildah']) if (!existsSync(tool)) return `no ${tool}: bash scripts/setup.sh installs it`;
  return false;
}

/**
 * docker-compose.yml run for real without Docker: podman and podman-compose (Debian packages), the Skyport image
 * built with buildah, PostgreSQL and Redis images built from Debian packages, every container in the host's
 * network (deploy/compose/host-network.yml: this machine allows no NAT or forwarding), a kubeconfig of a local
 * real-node cluster — then the globally installed CLI logs in with the operator's token and runs a task.
 */
describe('docker-compose.yml under podman-compose, used through the installed CLI', { skip: skipReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-compose-'));
  const work = join(dir, 'work');
  const home = join(dir, 'home');
  const token = `skp_${randomBytes(24).toString('hex')}`;
  const cluster = `cp-${randomBytes(2).toString('hex')}`;
  let env: NodeJS.ProcessEnv = {};
  let cli: InstalledCli;
  let forwardBefore = '';
  const merged = join(dir, 'compose.yml');
  const compose = (args: string[], timeoutMs?: number) => runAsync('podman-compose', ['--podman-path', PODMAN, '-p', PROJECT, '-f', merged, ...args], { env, timeoutMs });
  const skyport = (args: string[], timeoutMs = 60_000): Promise<CliRun> =>
    runInstalledCli(cli, args, { cwd: work, env: { HOME: home, SKYPORT_API_URL: `http://127.0.0.1:${PORTS.api}` }, timeoutMs });

  before(() => ensureTools(['compose']), { timeout: BUILD_TIMEOUT_MS });
  before(
    async () => {
      forwardBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
      for (const d of [work, home]) mkdirSync(d);
      writeFileSync(join(work, 'data.txt'), 'from the workdir\n');
      cli = installPackedCli(join(dir, 'cli'));

      const kube = startKubeCluster({ name: CLUSTER, layout: 'real' });
      const registry = localRegistry();
      const image = await runAsync('bash', ['deploy/scripts/build-image.sh', '--registry', registry.host, '--creds', `${registry.user}:${registry.password}`]);
      assert.equal(image.code, 0, image.stderr);
      const tag = image.stdout.trim().split('\n').pop()!.split(':').pop()!;
      const deps = await runAsync('bash', ['deploy/scripts/build-compose-images.sh']);
      assert.equal(deps.code, 0, deps.stderr);
      const depImages = Object.fromEntries([...deps.stdout.matchAll(/^(SKYPORT_\w+_IMAGE)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));

      // What an operator makes once (docker-compose.yml's header), owned by the services' uid.
      const tls = join(dir, 'grpc-tls');
      const certs = await runAsync('bash', ['deploy/scripts/grpc-certs.sh', tls], { env: { ...process.env, GRPC_CERT_OWNER: '1000:1000' } });
      assert.equal(certs.code, 0, certs.stderr);
      const tokenFile = join(dir, 'admin-token');
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o400 });
      chownSync(tokenFile, 1000, 1000);
      // the kubeconfig of the one cluster this install may use
      const kubeconfig = join(dir, 'kubeconfig');
      const view = run('kubectl', ['--kubeconfig', kube.kubeconfig, 'config', 'view', '--minify', '--flatten', '--context', kube.context]);
      assert.equal(view.status, 0, view.stderr);
      writeFileSync(kubeconfig, view.stdout, { mode: 0o400 });
      chownSync(kubeconfig, 1000, 1000);
      // This machine's root has hard limits below podman's defaults for root (nofile 1048576): without lower
      // defaults runc cannot set them ("error setting rlimits ... operation not permitted").
      const limit = Math.min(Number(run('sh', ['-c', 'ulimit -Hn']).stdout.trim()) || 20000, 20000);
      writeFileSync(join(dir, 'containers.conf'), `[containers]\ndefault_ulimits = ["nofile=${limit}:${limit}", "nproc=${limit}:${limit}"]\n`);

      env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONTAINERS_CONF: join(dir, 'containers.conf'),
        SKYPORT_IMAGE: `localhost/skyport/skyport:${tag}`,
        ...depImages,
        POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
        REDIS_PASSWORD: randomBytes(12).toString('hex'),
        SKYPORT_SECRETS_KEY: randomBytes(32).toString('base64'),
        SKYPORT_UID: '1000',
        SKYPORT_GID: '1000',
        SKYPORT_KUBECONFIG: kubeconfig,
        SKYPORT_ALLOWED_CONTEXTS: kube.context,
        SKYPORT_GRPC_TLS_DIR: tls,
        SKYPORT_ADMIN_TOKEN_FILE: tokenFile,
        SKYPORT_DEFAULT_IMAGE: registry.defaultImage,
        SKYPORT_API_HOST_PORT: String(PORTS.api),
        SKYPORT_OPTIMIZER_HOST_PORT: String(PORTS.optimizer),
        SKYPORT_PROVISIONER_HOST_PORT: String(PORTS.provisioner),
        SKYPORT_LOGS_HOST_PORT: String(PORTS.logs),
        SKYPORT_API_HEALTH_HOST_PORT: String(PORTS.apiHealth),
        SKYPORT_OPTIMIZER_HEALTH_HOST_PORT: String(PORTS.optimizerHealth),
        SKYPORT_PROVISIONER_HEALTH_HOST_PORT: String(PORTS.provisionerHealth),
        SKYPORT_LOGS_HEALTH_HOST_PORT: String(PORTS.logsHealth),
        SKYPORT_AUTODOWN_HEALTH_HOST_PORT: String(PORTS.autodownHealth),
        SKYPORT_POSTGRES_HOST_PORT: String(PORTS.postgres),
        SKYPORT_REDIS_HOST_PORT: String(PORTS.redis),
      };
      // podman-compose 1.0.3 appends an override file's lists to the base file's (a command or a health check
      // cannot be replaced), so the files are merged by the reference implementation first.
      const { docker, env: dockerEnv } = dockerCompose();
      const config = run(docker, ['compose', '-p', PROJECT, ...FILES, 'config'], { env: { ...dockerEnv, ...env } });
      assert.equal(config.status, 0, config.stderr);
      writeFileSync(merged, config.stdout);
      // An earlier run that was killed (its file timed out) never ran the after hook: its containers and volumes,
      // whose database holds that run's admin token (a bootstrap token only counts on an empty database), are
      // still there under the same project name, and the login below would be refused.
      await compose(['down', '-v']);
      const up = await compose(['up', '-d', '--no-build']);
      assert.equal(up.code, 0, `${up.stdout.slice(-3000)}\n${up.stderr}`);
    },
    { timeout: 25 * 60 * 1000 },
  );
  after(
    async () => {
      if (env.SKYPORT_IMAGE) {
        await skyport(['down', '-y', cluster], 180_000);
        const down = await compose(['down', '-v']);
        assert.equal(down.code, 0, down.stderr);
      }
      if (process.env.SKYPORT_KEEP_CLUSTER !== '1') run('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), 'down', '--name', CLUSTER], { timeoutMs: 300_000 });
      rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 10 * 60 * 1000 },
  );

  it('every service becomes healthy (its compose health check, run by podman)', async () => {
    for (const service of LONG_RUNNING) {
      await waitFor(
        `${service} to be healthy`,
        async () => ((await runAsync('podman', ['healthcheck', 'run', `${PROJECT}_${service}_1`], { env, timeoutMs: 30_000 })).code === 0 ? true : undefined),
        180_000,
        2_000,
      );
    }
    const migrate = await runAsync('podman', ['inspect', '--format', '{{.State.ExitCode}} {{.State.Status}}', `${PROJECT}_migrate_1`], { env, timeoutMs: 30_000 });
    assert.equal(migrate.stdout.trim(), '0 exited', 'the migrations ran once and exited 0');
  });

  it('runs as the compose file says: uid 1000, read-only root, no capabilities; nothing forwarded, no bridge made', async () => {
    const api = JSON.parse((await runAsync('podman', ['inspect', `${PROJECT}_api_1`], { env, timeoutMs: 30_000 })).stdout) as Array<{ Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean; NetworkMode: string; CapDrop: string[] | null } }>;
    assert.equal(api[0]!.Config.User, '1000:1000');
    assert.equal(api[0]!.HostConfig.ReadonlyRootfs, true);
    assert.equal(api[0]!.HostConfig.NetworkMode, 'host');
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), forwardBefore);
    const networks = (await runAsync('podman', ['network', 'ls', '--format', '{{.Name}}'], { env, timeoutMs: 30_000 })).stdout.trim().split('\n');
    assert.ok(!networks.some((n) => n.startsWith(PROJECT)), `no compose network: ${networks.join(', ')}`);
  });

  it('the installed CLI logs in with the operator-made token and launches a task on the real-node cluster', async () => {
    const login = await skyport(['api', 'login', '-e', `http://127.0.0.1:${PORTS.api}`, '--token', token]);
    assert.equal(login.code, 0, login.stderr);
    writeFileSync(join(work, 'task.yaml'), ['workdir: .', 'resources:', '  cpus: 0.2', '  memory: 0.25', 'run: echo "compose says $(cat data.txt)"', ''].join('\n'));
    const launch = await skyport(['launch', '-y', '-c', cluster, 'task.yaml'], 300_000);
    assert.equal(launch.code, 0, `${launch.stdout}\n${launch.stderr}`);
    assert.match(launch.stdout, /compose says from the workdir/);
    const logs = await skyport(['logs', cluster, '1', '--no-follow']);
    assert.match(logs.stdout, /compose says from the workdir/);
    const down = await skyport(['down', '-y', cluster], 180_000);
    assert.equal(down.code, 0, down.stderr);
  });
});
