import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';
import { BUILD_TIMEOUT_MS, dockerCompose, ensureTools, run } from './support/tools';
import { dockerfileTargets } from './support/dockerfile';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  ports?: { host_ip?: string; target: number; published: string }[];
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  user?: string;
  cap_drop?: string[];
  tmpfs?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
}

const SKYPORT = ['api', 'optimizer', 'provisioner', 'logs', 'autodown'];
/** The services that talk to Kubernetes (the api only for `skyport ssh` exec streams). */
const KUBE = new Set(['api', 'provisioner', 'logs', 'autodown']);
/** The services that reach burst VMs over SSH with the provisioner's key (it writes it; the others read it). */
const CLOUD_KEY = new Set(['api', 'provisioner', 'logs']);
const KEY_DIR = '/var/lib/skyport/cloud-keys';

/** `docker compose config` (the real compose implementation; no engine needed) of the repository's file. */
function composeConfig(args: string[], cwd = repoRoot()): { status: number | null; stdout: string; stderr: string } {
  const { docker, env } = dockerCompose();
  return run(docker, ['compose', ...args, 'config', '--format', 'json'], { cwd, env: { ...env, HOME: env.HOME ?? '/root' } });
}

describe('docker-compose.yml (validated by `docker compose config`)', () => {
  before(() => ensureTools(['compose']), { timeout: BUILD_TIMEOUT_MS });
  it('is valid with the settings from .env.example, and wires every service as documented', () => {
    const r = composeConfig(['--env-file', '.env.example']);
    assert.equal(r.status, 0, `docker compose config failed:\n${r.stderr}`);
    const config = JSON.parse(r.stdout) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
    const services = config.services;
    assert.deepEqual(Object.keys(services).sort(), ['api', 'autodown', 'logs', 'migrate', 'optimizer', 'postgres', 'provisioner', 'redis']);
    const targets = dockerfileTargets();

    for (const name of [...SKYPORT, 'migrate']) {
      const s = services[name]!;
      assert.equal(s.build?.target, name, `${name} builds its own Dockerfile target`);
      assert.ok(targets.has(name), `deploy/docker/Dockerfile has a target ${name}`);
      assert.match(s.build?.dockerfile ?? '', /deploy\/docker\/Dockerfile$/);
      assert.equal(s.read_only, true, `${name} has a read-only root filesystem`);
      assert.equal(s.user, '1000:1000', `${name} runs as the .env.example uid`);
      assert.deepEqual(s.cap_drop, ['ALL']);
      assert.ok(s.tmpfs?.some((t) => t.startsWith('/tmp')), `${name} has a writable /tmp`);
      assert.match(s.environment?.SKYPORT_DATABASE_URL ?? '', /^postgres:\/\/skyport:change-me-postgres@postgres:5432\/skyport$/);
    }
    for (const name of SKYPORT) {
      const s = services[name]!;
      const env = s.environment ?? {};
      assert.equal(env.SKYPORT_REDIS_URL, 'redis://:change-me-redis@redis:6379/0');
      assert.equal(env.SKYPORT_BIND_HOST, '0.0.0.0');
      assert.equal(s.depends_on?.migrate?.condition, 'service_completed_successfully', `${name} starts after the migrations`);
      assert.equal(s.depends_on?.redis?.condition, 'service_healthy');
      assert.ok(s.healthcheck?.test?.join(' ').includes('/healthz'), `${name} health check`);
      const kubeconfig = s.volumes?.find((v) => v.target === '/etc/skyport/kubeconfig');
      if (KUBE.has(name)) {
        assert.ok(kubeconfig, `${name} mounts the kubeconfig`);
        assert.equal(kubeconfig.type, 'bind');
        assert.equal(kubeconfig.read_only, true, `${name}: the kubeconfig is mounted read-only`);
        assert.match(kubeconfig.source, /\.kube\/config$/);
        assert.equal(env.KUBECONFIG, '/etc/skyport/kubeconfig');
      } else {
        assert.equal(kubeconfig, undefined, `${name} has no business with the kubeconfig`);
      }
      const keys = s.volumes?.find((v) => v.target === KEY_DIR);
      if (CLOUD_KEY.has(name)) {
        assert.deepEqual([keys?.type, keys?.source], ['volume', 'cloud-keys'], `${name} shares the cloud-keys volume`);
        assert.equal(keys?.read_only ?? false, name !== 'provisioner', `${name}: only the provisioner writes the key`);
        assert.equal(env.SKYPORT_CLOUD_KEY_DIR, KEY_DIR);
      } else {
        assert.equal(keys, undefined, `${name} has no business with the VM key`);
        assert.equal(env.SKYPORT_CLOUD_KEY_DIR, undefined);
      }
      // Cloud bursting is off with .env.example; only the provisioner gets AWS credentials.
      assert.equal(env.SKYPORT_CLOUD_PROVIDERS, '');
      assert.equal('AWS_SECRET_ACCESS_KEY' in env, name === 'provisioner', `${name} AWS credentials`);
    }
    // gRPC is mutual TLS: each of api, optimizer, provisioner, logs mounts the CA and only its own certificate and
    // key (made by deploy/scripts/grpc-certs.sh), read-only; autodown makes no gRPC call.
    const tlsDir = join(repoRoot(), '.skyport', 'grpc-tls');
    for (const name of SKYPORT) {
      const s = services[name]!;
      const env = s.environment ?? {};
      const mounts = new Map((s.volumes ?? []).filter((v) => v.target.startsWith('/run/skyport/grpc-tls/')).map((v) => [v.target.split('/').pop() ?? '', v]));
      if (name === 'autodown') {
        assert.equal(mounts.size, 0, 'autodown gets no certificate');
        assert.equal(env.SKYPORT_GRPC_TLS_KEY, undefined);
        continue;
      }
      assert.equal(env.SKYPORT_GRPC_TLS_CA, '/run/skyport/grpc-tls/ca.crt');
      assert.equal(env.SKYPORT_GRPC_TLS_CERT, '/run/skyport/grpc-tls/tls.crt');
      assert.equal(env.SKYPORT_GRPC_TLS_KEY, '/run/skyport/grpc-tls/tls.key');
      assert.equal(env.SKYPORT_GRPC_INSECURE, undefined, `${name} is never insecure`);
      assert.deepEqual([...mounts.keys()].sort(), ['ca.crt', 'tls.crt', 'tls.key']);
      for (const [file, v] of mounts) {
        assert.equal(v.type, 'bind');
        assert.equal(v.read_only, true, `${name}: ${file} read-only`);
        assert.equal(v.source, join(tlsDir, file === 'ca.crt' ? 'ca.crt' : `${name}.${file.split('.')[1]}`), `${name}: ${file} is its own`);
      }
    }
    // First login: only the api mounts the operator's token file, read-only, and reads it from there.
    for (const name of [...SKYPORT, 'migrate']) {
      const s = services[name]!;
      const token = s.volumes?.find((v) => v.target === '/run/skyport/admin-token');
      if (name !== 'api') {
        assert.equal(token, undefined, `${name} has no business with the admin token`);
        continue;
      }
      assert.deepEqual([token?.type, token?.source, token?.read_only], ['bind', join(repoRoot(), '.skyport', 'admin-token'), true]);
      assert.equal(s.environment?.SKYPORT_BOOTSTRAP_TOKEN_FILE, '/run/skyport/admin-token');
      assert.equal(s.environment?.SKYPORT_BOOTSTRAP_TOKEN, undefined, 'never in the environment');
    }
    // Own gRPC address: every interface; others reach it by service name.
    assert.equal(services.optimizer!.environment?.SKYPORT_OPTIMIZER_GRPC, '0.0.0.0:26581');
    assert.equal(services.provisioner!.environment?.SKYPORT_PROVISIONER_GRPC, '0.0.0.0:26582');
    assert.equal(services.logs!.environment?.SKYPORT_LOGS_GRPC, '0.0.0.0:26583');
    assert.equal(services.api!.environment?.SKYPORT_OPTIMIZER_GRPC, 'optimizer:26581');
    assert.equal(services.optimizer!.environment?.SKYPORT_PROVISIONER_GRPC, 'provisioner:26582');

    // Only the api is published, and only on the host's loopback.
    for (const [name, s] of Object.entries(services)) {
      if (name === 'api') assert.deepEqual(s.ports?.map((p) => [p.host_ip, p.target, p.published]), [['127.0.0.1', 26580, '26580']]);
      else assert.equal(s.ports, undefined, `${name} publishes no port`);
    }
    // Each service names its command (its target's CMD), so one all-in-one image (SKYPORT_IMAGE) runs them all too.
    assert.deepEqual(services.migrate!.command, ['node', 'libs/persistence/dist/cli/migrate.js', 'run']);
    for (const name of SKYPORT) assert.deepEqual(services[name]!.command, ['node', '--enable-source-maps', `apps/${name}/dist/main.js`]);
    assert.equal(services.migrate!.depends_on?.postgres?.condition, 'service_healthy');
    assert.deepEqual(Object.keys(config.volumes).sort(), ['cloud-keys', 'postgres-data', 'redis-data']);
    // A new named volume starts as a copy of the image's directory: it must exist there, owned by the services' uid.
    const dockerfile = readFileSync(join(repoRoot(), 'deploy', 'docker', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, new RegExp(`mkdir -p ${KEY_DIR}[^]*chown 1000:1000 ${KEY_DIR}`));
  });

  it('SKYPORT_IMAGE runs every service from one image; the images of Postgres and Redis can be replaced', () => {
    const { env } = dockerCompose();
    const r = run(dockerCompose().docker, ['compose', '--env-file', '.env.example', 'config', '--format', 'json'], {
      cwd: repoRoot(),
      env: { ...env, HOME: env.HOME ?? '/root', SKYPORT_IMAGE: 'registry.example:5000/skyport/skyport:abc', SKYPORT_POSTGRES_IMAGE: 'localhost/pg:1', SKYPORT_REDIS_IMAGE: 'localhost/redis:1' },
    });
    assert.equal(r.status, 0, r.stderr);
    const services = (JSON.parse(r.stdout) as { services: Record<string, ComposeService> }).services;
    for (const name of [...SKYPORT, 'migrate']) assert.equal(services[name]!.image, 'registry.example:5000/skyport/skyport:abc');
    assert.equal(services.postgres!.image, 'localhost/pg:1');
    assert.equal(services.redis!.image, 'localhost/redis:1');
  });

  it("deploy/compose/host-network.yml: every container in the host's network, every server on 127.0.0.1 on a port of its own", () => {
    const r = composeConfig(['--env-file', '.env.example', '-f', 'docker-compose.yml', '-f', 'deploy/compose/host-network.yml']);
    assert.equal(r.status, 0, r.stderr);
    const config = JSON.parse(r.stdout) as { services: Record<string, ComposeService & { network_mode?: string }>; networks?: Record<string, unknown> };
    const ports: string[] = [];
    for (const [name, s] of Object.entries(config.services)) {
      assert.equal(s.network_mode, 'host', name);
      const text = JSON.stringify(s.environment ?? {});
      assert.doesNotMatch(text, /0\.0\.0\.0|@postgres:|@redis:|"(optimizer|provisioner|logs):/, `${name} has only 127.0.0.1 addresses`);
      if (SKYPORT.includes(name)) ports.push(s.environment!.SKYPORT_HEALTH_PORT!);
    }
    ports.push(config.services.api!.environment!.SKYPORT_API_PORT!);
    for (const v of ['SKYPORT_OPTIMIZER_GRPC', 'SKYPORT_PROVISIONER_GRPC', 'SKYPORT_LOGS_GRPC']) ports.push(config.services.api!.environment![v]!.split(':')[1]!);
    assert.equal(new Set(ports).size, ports.length, `distinct ports: ${ports.join(' ')}`);
    assert.deepEqual(config.services.postgres!.command?.slice(1, 3), ['-c', 'listen_addresses=127.0.0.1']);
    assert.ok(config.services.redis!.command?.join(' ').includes('--bind 127.0.0.1'));
  });

  it('without an .env it refuses to start, naming the missing password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-compose-'));
    try {
      copyFileSync(join(repoRoot(), 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
      const r = composeConfig([], dir);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /(POSTGRES|REDIS)_PASSWORD is missing a value: set \1_PASSWORD in \.env \(cp \.env\.example \.env\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with cloud bursting set in .env, the provisioner gets the AWS settings and the optimizer the provider', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-compose-'));
    try {
      const envFile = join(dir, 'cloud.env');
      const example = readFileSync(join(repoRoot(), '.env.example'), 'utf8');
      writeFileSync(envFile, `${example}\nSKYPORT_CLOUD_PROVIDERS=aws\nAWS_ACCESS_KEY_ID=AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY=example\nSKYPORT_AWS_IMAGE_IDS=us-east-1=ami-0abc\n`);
      const r = composeConfig(['--env-file', envFile]);
      assert.equal(r.status, 0, `docker compose config failed:\n${r.stderr}`);
      const services = (JSON.parse(r.stdout) as { services: Record<string, ComposeService> }).services;
      assert.equal(services.optimizer!.environment?.SKYPORT_CLOUD_PROVIDERS, 'aws');
      const provisioner = services.provisioner!.environment ?? {};
      assert.equal(provisioner.SKYPORT_CLOUD_PROVIDERS, 'aws');
      assert.equal(provisioner.AWS_ACCESS_KEY_ID, 'AKIDEXAMPLE');
      assert.equal(provisioner.SKYPORT_AWS_IMAGE_IDS, 'us-east-1=ami-0abc');
      for (const name of ['api', 'logs', 'optimizer', 'autodown']) assert.equal(services[name]!.environment?.AWS_ACCESS_KEY_ID, undefined, `${name} gets no AWS credentials`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bucket and upload settings from .env: the allow-list to api and provisioner, S3 keys to the provisioner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-compose-'));
    try {
      const envFile = join(dir, 'storage.env');
      const example = readFileSync(join(repoRoot(), '.env.example'), 'utf8');
      const settings = [
        'SKYPORT_S3_ENDPOINT=https://minio.example.com',
        'SKYPORT_S3_REGION=eu-west-1',
        'SKYPORT_S3_FORCE_PATH_STYLE=true',
        'SKYPORT_S3_COPY_MAX_BYTES=1048576',
        'SKYPORT_S3_ACCESS_KEY_ID=minio-key',
        'SKYPORT_S3_SECRET_ACCESS_KEY=minio-secret',
        'SKYPORT_S3_EXTERNAL_BUCKETS=datasets-*,ml=ml-weights',
        'SKYPORT_S3_STS_ENDPOINT=https://sts.example.com',
        'SKYPORT_S3_VM_MOUNT_ROLE_ARN=arn:aws:iam::123456789012:role/skyport-vm-mounts',
        'SKYPORT_S3_VM_MOUNT_SECONDS=3600',
        'SKYPORT_UPLOAD_MAX_BYTES=1000000',
        'SKYPORT_BLOB_CHUNK_MAX_BYTES=65536',
      ];
      writeFileSync(envFile, `${example}\n${settings.join('\n')}\n`);
      const r = composeConfig(['--env-file', envFile]);
      assert.equal(r.status, 0, `docker compose config failed:\n${r.stderr}`);
      const services = (JSON.parse(r.stdout) as { services: Record<string, ComposeService> }).services;
      const provisioner = services.provisioner!.environment ?? {};
      const api = services.api!.environment ?? {};
      for (const line of settings.filter((l) => l.startsWith('SKYPORT_S3_'))) {
        const k = line.slice(0, line.indexOf('='));
        assert.equal(provisioner[k], line.slice(k.length + 1), `provisioner ${k}`);
      }
      assert.equal(api.SKYPORT_S3_EXTERNAL_BUCKETS, 'datasets-*,ml=ml-weights', 'the api checks the same list at launch');
      assert.equal(api.SKYPORT_UPLOAD_MAX_BYTES, '1000000');
      assert.equal(api.SKYPORT_BLOB_CHUNK_MAX_BYTES, '65536');
      for (const name of ['api', 'logs', 'optimizer', 'autodown', 'migrate']) {
        const env = services[name]!.environment ?? {};
        assert.equal(env.SKYPORT_S3_SECRET_ACCESS_KEY, undefined, `${name} gets no S3 keys`);
        assert.equal(env.SKYPORT_S3_ACCESS_KEY_ID, undefined, `${name} gets no S3 keys`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // With .env.example the settings are empty, which the services read as unset (their defaults).
    const r = composeConfig(['--env-file', '.env.example']);
    const provisioner = (JSON.parse(r.stdout) as { services: Record<string, ComposeService> }).services.provisioner!.environment ?? {};
    assert.deepEqual([provisioner.SKYPORT_S3_ENDPOINT, provisioner.SKYPORT_S3_EXTERNAL_BUCKETS], ['', '']);
  });

  it('.env.example documents every variable the compose file reads', () => {
    const compose = readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8');
    const example = readFileSync(join(repoRoot(), '.env.example'), 'utf8');
    const used = new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!));
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    assert.deepEqual([...used].filter((v) => !documented.has(v)), []);
  });
});
