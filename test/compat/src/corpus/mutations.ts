import { stringify } from 'yaml';

/** One generated task file: a stable id (`family/slug`, the allow-list key) and its text. */
export interface Mutation {
  id: string;
  text: string;
}

type Obj = Record<string, unknown>;

const BASE: Obj = { name: 'compat-base', resources: { cpus: 2 }, run: 'echo hello' };

function yaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}

/**
 * The families of value forms and rules issue 20 names, each as a handful of small task files around one
 * base task. Deterministic: no randomness, a fixed order, ids derived from the family and the value.
 */
export function generateMutations(): Mutation[] {
  const out: Mutation[] = [];
  const seen = new Set<string>();
  const add = (family: string, slug: string, text: string): void => {
    const id = `${family}/${slug.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^_+|_+$/g, '') || 'empty'}`;
    let unique = id;
    for (let i = 2; seen.has(unique); i++) unique = `${id}-${i}`;
    seen.add(unique);
    out.push({ id: unique, text });
  };
  const task = (patch: Obj): string => yaml({ ...BASE, ...patch });
  /** The base task with `resources` replaced by the given keys. */
  const res = (family: string, resources: Obj, extra: Obj = {}, slug?: string): void => {
    const label = slug ?? Object.entries(resources).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
    add(family, label, task({ resources, ...extra }));
  };

  // Accelerator counts and spellings.
  for (const acc of ['A100:0.5', 'T4:0.25', 'A100:1.5', 'A100:0', 'A100:-1', 'A100:8', 'a100:2', 'A100:1.0', 'V100:x', 'H100:8', 'L4', 'tpu-v2-8', 'nvidia-tesla-t4:1', 'A100-80GB:8', 'A100 :1', '']) {
    res('accelerators', { accelerators: acc });
  }
  res('accelerators', { accelerators: { A100: 0.5 } }, {}, 'map-A100-0.5');
  res('accelerators', { accelerators: { A100: 2 } }, {}, 'map-A100-2');
  res('accelerators', { accelerators: { 'A100:1': null, 'H100:1': null } }, {}, 'set-A100-H100');
  res('accelerators', { accelerators: ['A100:1', 'H100:1'] }, {}, 'list-A100-H100');
  res('accelerators', { accelerators: [] }, {}, 'empty-list');
  res('accelerators', { accelerators: {} }, {}, 'empty-map');
  res('accelerators', { gpus: 'A100:1' }, {}, 'gpus-alias');
  res('accelerators', { gpus: 'A100:1', accelerators: 'A100:1' }, {}, 'gpus-and-accelerators');
  res('accelerators', { accelerators: 'A100:1', accelerator_args: { runtime_version: 'tpu-vm-base' } }, {}, 'accelerator-args');

  // CPUs.
  for (const cpus of [4, '4', '4+', 0.5, '0.5+', 0, -1, '4x', 'four', '2 +', '']) res('cpus', { cpus });

  // Memory: units, spaces, multipliers.
  for (const memory of [32, '32', '32GB', '32 GB', '32gb', '1TB', '1.5TB', '512MB', '8Gi', '16+', '32GB+', '2x', '2x+', 0, -1, 'lots', '32 GB+', '', '1PB', '0.5x', '16GiB', '100KB']) {
    res('memory', { memory });
  }
  res('memory', { cpus: 4, memory: '4x' }, {}, 'cpus4-memory-4x');

  // Disk sizes.
  for (const disk_size of [256, '256', '256GB', '256 GB', '1TB', '1024MB', '100+', 0, -5, '2x', 10.5, 5000000000, '5000000000', 'big', '', '512MB', '1500MB', '100KB', '1PB', '2Ti', '64gi', '1tb']) {
    res('disk_size', { disk_size });
  }

  // Ports.
  for (const ports of [8080, '8080', '8080-8090', '8080,8081', '8080, 8081', ['8080-8081', 9000], [8080, '8080'], 0, 70000, '9000-8000', 'http', '8080-', ' 8080 ', [], '8080,8090-8092']) {
    res('ports', { ports });
  }

  // Infra strings, wildcards and spellings.
  for (const infra of ['k8s', 'k8s/*', 'kubernetes/*', 'kubernetes/my-ctx', '*', 'aws/*', 'aws/*/us-east-1a', 'aws/us-east-1', 'gcp/*/us-central1-a', 'do', 'doo', 'awz', 'aws/us-east-1/us-east-1a/x', 'lambda/us-east-1/zone1', 'runpod/*/zone-a', 'ssh/my-pool', 'AWS', '', 'azure//zone', 'kubernetes/', 'nebius/eu-north1', 'k8s/ctx/with/slashes']) {
    res('infra', { infra });
  }
  // The older cloud/region/zone keys, and zones on clouds without them.
  res('legacy-cloud', { cloud: 'aws', region: 'us-east-1' });
  res('legacy-cloud', { cloud: 'lambda', zone: 'z1' });
  res('legacy-cloud', { cloud: 'kubernetes', zone: 'z1' });
  res('legacy-cloud', { cloud: 'runpod', zone: 'z1' });
  res('legacy-cloud', { region: 'us-east-1' });
  res('legacy-cloud', { cloud: 'awz' });
  res('legacy-cloud', { cloud: 'aws', infra: 'aws' });
  res('legacy-cloud', { cloud: 'kubernetes', region: 'my-ctx' });

  // Priority.
  for (const priority of [0, 500, 1000, 1001, -1, -1000, '5', 1.5, null]) res('priority', { cpus: 2, priority });

  // Volumes: the mapping form (name or ephemeral config), paths, the list form.
  add('volumes', 'mapping-name', task({ volumes: { '/data': 'my-vol' } }));
  add('volumes', 'mapping-dict-name', task({ volumes: { '/data': { name: 'my-vol' } } }));
  add('volumes', 'mapping-ephemeral-size', task({ volumes: { '/scratch': { size: '100Gi' } } }));
  add('volumes', 'mapping-ephemeral-size-type', task({ volumes: { '/scratch': { size: '100Gi', type: 'k8s-pvc' } } }));
  add('volumes', 'mapping-no-name-or-size', task({ volumes: { '/data': { sub_path: 'x' } } }));
  add('volumes', 'relative-path', task({ volumes: { data: 'my-vol' } }));
  add('volumes', 'trailing-slash', task({ volumes: { '/data/': 'my-vol' } }));
  add('volumes', 'tilde-path', task({ volumes: { '~/data': 'my-vol' } }));
  add('volumes', 'list-form', task({ volumes: [{ path: '/data', name: 'my-vol' }] }));
  add('volumes', 'null', task({ volumes: null }));

  // Pipelines: header documents with execution:.
  const docs = (...parts: unknown[]): string => parts.map((p) => yaml(p)).join('---\n');
  const stage = (name: string): Obj => ({ name, resources: { cpus: 1 }, run: `echo ${name}` });
  add('pipeline', 'name-header', docs({ name: 'pipe' }, stage('a'), stage('b')));
  add('pipeline', 'execution-serial', docs({ name: 'pipe', execution: 'serial' }, stage('a'), stage('b')));
  add('pipeline', 'execution-parallel', docs({ name: 'group', execution: 'parallel' }, stage('a'), stage('b')));
  add('pipeline', 'execution-bogus', docs({ name: 'pipe', execution: 'sideways' }, stage('a'), stage('b')));
  add('pipeline', 'no-header', docs(stage('a'), stage('b')));
  add('pipeline', 'header-only', docs({ name: 'pipe' }));
  add('pipeline', 'header-bad-name', docs({ name: 'bad name!' }, stage('a')));
  add('pipeline', 'stage-bad-key', docs({ name: 'pipe' }, stage('a'), { ...stage('b'), bogus: 1 }));
  add('pipeline', 'group-unnamed-job', docs({ name: 'group', execution: 'parallel' }, stage('a'), { run: 'echo x' }));
  add('pipeline', 'group-duplicate-job', docs({ name: 'group', execution: 'parallel' }, stage('a'), stage('a')));
  add('pipeline', 'empty-document-between', `${yaml(stage('a'))}---\n---\n${yaml(stage('b'))}`);

  // Unknown keys, at the top and in resources, and keys SkyPilot's schema has that Skyport may not.
  for (const [key, value] of [['bogus', 1], ['event_callback', 'echo done'], ['experimental', { config_overrides: {} }], ['managed_secrets', ['HF_TOKEN']], ['api_server_access', false], ['_metadata', {}], ['pool', { workers: 1 }], ['Run', 'echo x'], ['file_mounts_mapping', {}]] as Array<[string, unknown]>) {
    add('unknown-keys', `top-${key}`, task({ [key]: value }));
  }
  for (const [key, value] of [['bogus', 1], ['cpu', 2], ['local_disk', 'nvme:100'], ['max_hourly_cost', 3], ['max_hourly_cost', -1], ['priority_class', 'high'], ['hooks', []], ['_cluster_config_overrides', {}]] as Array<[string, unknown]>) {
    res('unknown-keys', { cpus: 2, [key]: value }, {}, `resources-${key}-${JSON.stringify(value)}`);
  }

  // Recovery: deprecated spot_recovery and job_recovery forms.
  res('recovery', { spot_recovery: 'FAILOVER' });
  res('recovery', { job_recovery: 'FAILOVER' });
  res('recovery', { job_recovery: 'EAGER_NEXT_REGION' });
  res('recovery', { job_recovery: 'bogus' });
  res('recovery', { job_recovery: { strategy: 'FAILOVER', max_restarts_on_errors: 3 } });
  res('recovery', { job_recovery: { max_restarts_on_errors: -1 } });
  res('recovery', { job_recovery: { strategy: null, max_restarts_on_errors: 2 } });

  // Service sections: replica counts and ranges.
  const probe = { readiness_probe: '/health' };
  const service = (slug: string, s: Obj): void => add('service', slug, task({ service: s, resources: { cpus: 2, ports: 8080 } }));
  service('replicas-2', { ...probe, replicas: 2 });
  service('replicas-0', { ...probe, replicas: 0 });
  service('replicas-negative', { ...probe, replicas: -1 });
  service('policy-range-no-qps', { ...probe, replica_policy: { min_replicas: 1, max_replicas: 3 } });
  service('policy-range-qps', { ...probe, replica_policy: { min_replicas: 1, max_replicas: 3, target_qps_per_replica: 2 } });
  service('policy-min-above-max', { ...probe, replica_policy: { min_replicas: 3, max_replicas: 1, target_qps_per_replica: 2 } });
  service('policy-min-only', { ...probe, replica_policy: { min_replicas: 2 } });
  service('policy-equal', { ...probe, replica_policy: { min_replicas: 2, max_replicas: 2 } });
  service('replicas-and-policy', { ...probe, replicas: 2, replica_policy: { min_replicas: 1 } });
  service('no-probe', { replicas: 1 });
  service('probe-mapping', { readiness_probe: { path: '/health', initial_delay_seconds: 30 }, replicas: 1 });
  service('probe-relative-path', { readiness_probe: 'health', replicas: 1 });
  service('ports-string', { ...probe, replicas: 1, ports: '8080' });
  service('policy-fallback', { ...probe, replica_policy: { min_replicas: 1, max_replicas: 3, target_qps_per_replica: 1, base_ondemand_fallback_replicas: 1 } });
  service('load-balancing-bogus', { ...probe, replicas: 1, load_balancing_policy: 'bogus' });
  service('load-balancing-least-load', { ...probe, replicas: 1, load_balancing_policy: 'least_load' });

  // SKYPILOT_DOCKER_* login variables: all three together, in envs or in secrets, never split or partial.
  const login = { SKYPILOT_DOCKER_USERNAME: 'me', SKYPILOT_DOCKER_PASSWORD: 'pw', SKYPILOT_DOCKER_SERVER: 'registry.example.com' };
  const image = { cpus: 2, image_id: 'docker:registry.example.com/team/img:1' };
  add('docker-login', 'all-in-envs', task({ resources: image, envs: login }));
  add('docker-login', 'all-in-secrets', task({ resources: image, secrets: login }));
  add('docker-login', 'username-only', task({ resources: image, envs: { SKYPILOT_DOCKER_USERNAME: 'me' } }));
  add('docker-login', 'split-envs-secrets', task({ resources: image, envs: { SKYPILOT_DOCKER_USERNAME: 'me', SKYPILOT_DOCKER_SERVER: 'r' }, secrets: { SKYPILOT_DOCKER_PASSWORD: 'pw' } }));
  add('docker-login', 'no-image', task({ envs: login }));
  add('docker-login', 'password-missing', task({ resources: image, envs: { SKYPILOT_DOCKER_USERNAME: 'me', SKYPILOT_DOCKER_SERVER: 'r' } }));

  // TPUs off GCP.
  res('tpu', { infra: 'gcp', accelerators: 'tpu-v2-8' });
  res('tpu', { infra: 'aws', accelerators: 'tpu-v2-8' });
  res('tpu', { infra: 'k8s', accelerators: 'tpu-v5-lite-podslice:4' });
  res('tpu', { accelerators: 'tpu-v3-32' });
  res('tpu', { infra: 'azure', accelerators: 'tpu-v4-8' });

  // Labels, per cloud.
  for (const [infra, labels] of [
    ['aws', { team: 'ml' }],
    ['aws', { 'aws:reserved': 'x' }],
    ['gcp', { Team: 'ml' }],
    ['gcp', { team: 'ML' }],
    ['gcp', { team: 'ml' }],
    ['k8s', { team: 'ml' }],
    ['k8s', { 'team name': 'ml' }],
    ['k8s', { team: 'has space' }],
    ['k8s', { 'example.com/team': 'ml' }],
    ['k8s', { ['x'.repeat(64)]: 'v' }],
    ['azure', { team: 'ml' }],
    ['azure', { 'team<': 'ml' }],
    [undefined, { team: 'ml' }],
    [undefined, { 'bad key!': 'v' }],
    ['k8s', { team: 123 }],
    ['k8s', { team: true }],
  ] as Array<[string | undefined, Obj]>) {
    res('labels', { cpus: 2, ...(infra ? { infra } : {}), labels }, {}, `${infra ?? 'any'}-${JSON.stringify(labels).slice(0, 40)}`);
  }

  // Task names.
  for (const name of ['my-task', 'my_task', 'my.task', 'Task1', 'a--b', 'a---b', 'a___b', '_x', 'x_', '-x', 'has space', '', 'ünï', 'a/b', 'x'.repeat(80)]) {
    add('name', name || 'empty-string', task({ name }));
  }
  add('name', 'number', task({ name: 123 }));
  add('name', 'null', task({ name: null }));

  // Empty keys (a key with no value) and empty strings.
  for (const key of ['resources', 'envs', 'secrets', 'run', 'setup', 'file_mounts', 'name', 'num_nodes', 'workdir', 'config', 'service', 'volumes', 'inputs', 'outputs']) {
    add('empty-keys', `top-${key}`, task({ [key]: null }));
  }
  for (const key of ['cpus', 'memory', 'accelerators', 'infra', 'cloud', 'region', 'zone', 'ports', 'disk_size', 'use_spot', 'image_id', 'labels', 'autostop', 'instance_type', 'disk_tier', 'job_recovery', 'any_of', 'ordered']) {
    res('empty-keys', { cpus: 2, [key]: null }, {}, `resources-${key}`);
  }
  add('empty-keys', 'envs-value', task({ envs: { A: null } }));
  add('empty-keys', 'secrets-value', task({ secrets: { TOKEN: null } }));
  add('empty-keys', 'envs-empty-string', task({ envs: { A: '' } }));
  add('empty-keys', 'empty-document', '');
  add('empty-keys', 'comments-only', '# nothing here\n');

  // Envs and secrets: names and value types.
  add('envs', 'number-and-bool', task({ envs: { N: 3, B: true, F: 1.5 } }));
  add('envs', 'name-digit-first', task({ envs: { '1X': 'a' } }));
  add('envs', 'name-dash', task({ envs: { 'A-B': 'a' } }));
  add('envs', 'numeric-key', '{"name": "x", "envs": {"123": "a"}, "run": "echo"}\n');
  add('envs', 'list-value', task({ envs: { A: ['x'] } }));
  add('envs', 'same-in-secrets', task({ envs: { A: 'x' }, secrets: { A: 'y' } }));
  add('envs', 'secrets-list-form', task({ secrets: ['secrets:HF_TOKEN'] }));
  add('envs', 'secrets-list-plain', task({ secrets: ['HF_TOKEN'] }));

  // Nodes, autostop, images, spot, scripts, mounts, workdir, config.
  for (const num_nodes of [1, 2, 0, -1, '2', 1.5]) add('num_nodes', String(num_nodes), task({ num_nodes }));
  for (const autostop of [true, false, 10, '30m', '2h', '1d', -1, '1x', { idle_minutes: 10, down: true }, { idle_minutes: 10, wait_for: 'jobs' }, { idle_minutes: 10, wait_for: 'bogus' }, { down: true }, { bogus: 1 }]) {
    res('autostop', { cpus: 2, autostop }, {}, JSON.stringify(autostop));
  }
  for (const image_id of ['docker:ubuntu:22.04', 'docker:', 'ami-0123456789abcdef0', { 'us-east-1': 'ami-0123456789abcdef0' }]) {
    res('image_id', { cpus: 2, infra: 'aws/us-east-1', image_id }, {}, `aws-${JSON.stringify(image_id)}`);
  }
  res('image_id', { cpus: 2, infra: 'k8s', image_id: 'docker:ubuntu:22.04' }, {}, 'k8s-docker');
  res('image_id', { cpus: 2, image_id: 'ami-0123456789abcdef0' }, {}, 'no-cloud-ami');
  res('use_spot', { cpus: 2, use_spot: true });
  res('use_spot', { cpus: 2, use_spot: true, infra: 'k8s' });
  res('use_spot', { cpus: 2, use_spot: 'yes' });
  res('instance_type', { instance_type: 'm6i.large' });
  res('instance_type', { instance_type: '4CPU--16GB', infra: 'k8s' });
  res('instance_type', { instance_type: 'm6i.large', infra: 'k8s' });
  res('disk_tier', { cpus: 2, disk_tier: 'best' });
  res('disk_tier', { cpus: 2, disk_tier: 'fastest' });
  res('network_tier', { cpus: 2, network_tier: 'best' });
  res('network_tier', { cpus: 2, network_tier: 'fast' });
  add('scripts', 'run-list', task({ run: ['echo a', 'echo b'] }));
  add('scripts', 'run-number', task({ run: 42 }));
  add('scripts', 'setup-list', task({ setup: ['pip install x'] }));
  add('file_mounts', 'trailing-slash-dest', task({ file_mounts: { '/data/': 's3://bucket' } }));
  add('file_mounts', 'bucket-store', task({ file_mounts: { '/data': { name: 'my-bucket', store: 's3', mode: 'MOUNT' } } }));
  add('file_mounts', 'bad-mode', task({ file_mounts: { '/data': { name: 'my-bucket', mode: 'SYNC' } } }));
  add('file_mounts', 'cloud-dest', task({ file_mounts: { 's3://x': '/local' } }));
  add('workdir', 'git', task({ workdir: { url: 'https://github.com/example/repo.git', ref: 'main' } }));
  add('workdir', 'git-no-url', task({ workdir: { ref: 'main' } }));
  add('config', 'pod-config', task({ config: { kubernetes: { pod_config: { metadata: { labels: { a: 'b' } } } } } }));
  add('config', 'provision-timeout-negative', task({ config: { kubernetes: { provision_timeout: -1 } } }));
  add('config', 'unknown-section', task({ config: { bogus: { a: 1 } } }));
  add('config', 'docker-run-options', task({ config: { docker: { run_options: ['--shm-size=1g'] } } }));
  add('any_of', 'two-choices', task({ resources: { any_of: [{ infra: 'k8s', accelerators: 'A100:1' }, { infra: 'aws', accelerators: 'A10G:1' }] } }));
  add('any_of', 'ordered', task({ resources: { ordered: [{ infra: 'aws' }, { infra: 'gcp' }] } }));
  add('any_of', 'both', task({ resources: { any_of: [{ infra: 'aws' }], ordered: [{ infra: 'gcp' }] } }));
  add('any_of', 'empty-list', task({ resources: { any_of: [] } }));
  add('any_of', 'bad-entry', task({ resources: { any_of: [{ cpus: 'x' }] } }));
  add('inputs', 'two-inputs', task({ inputs: { 's3://a': 1, 's3://b': 2 } }));
  add('yaml', 'duplicate-key', 'name: a\nname: b\nrun: echo\n');
  // Scalars PyYAML (YAML 1.1) reads as booleans or numbers where YAML 1.2 reads strings.
  add('yaml', 'use_spot-on', 'name: a\nresources:\n  use_spot: on\nrun: echo\n');
  add('yaml', 'use_spot-no', 'name: a\nresources:\n  use_spot: no\nrun: echo\n');
  add('yaml', 'envs-yes', 'name: a\nenvs:\n  FLAG: yes\nrun: echo\n');
  add('yaml', 'label-off', 'name: a\nresources:\n  infra: k8s\n  labels:\n    debug: off\nrun: echo\n');
  add('yaml', 'name-octal', 'name: 0755\nrun: echo\n');
  add('yaml', 'num_nodes-sexagesimal', 'name: a\nnum_nodes: 1:30\nrun: echo\n');
  add('yaml', 'not-a-mapping', '- a\n- b\n');
  add('yaml', 'scalar', 'hello\n');
  return out;
}
