/**
 * JSON schema (draft-07, checked by ajv) of one SkyPilot task document. It checks shape and types; the
 * syntax inside strings (`4+`, `A100:8`, `8000-8010`, `kubernetes/<ctx>`) is checked by the resource parsers,
 * which give more precise messages. `x-expected` is what we tell the user was expected at that path.
 */
// A key with no value (`cpus:`) means "not set", as in SkyPilot.
const numberOrString = { type: ['number', 'string', 'null'] };

const resourceProperties = {
  infra: { type: ['string', 'null'], 'x-expected': "a string such as 'k8s', 'kubernetes/<context>', 'aws', 'aws/us-east-1' or 'gcp/*/us-central1-a'" },
  cloud: { type: ['string', 'null'], 'x-expected': "a cloud name such as 'kubernetes', 'aws' or 'gcp'" },
  region: { type: ['string', 'null'], 'x-expected': 'a region name' },
  zone: { type: ['string', 'null'], 'x-expected': 'a zone name' },
  cpus: { ...numberOrString, 'x-expected': "a number or a string like '4' or '4+'" },
  memory: { ...numberOrString, 'x-expected': "a number of GB or a string like '16', '16+' or '32GB+'" },
  accelerators: {
    type: ['string', 'object', 'array', 'null'],
    'x-expected': "an accelerator such as 'A100:8', a mapping {A100: 8}, a list (ordered preference) or a set {A100, H100}",
  },
  gpus: { type: ['string', 'object', 'array', 'null'], 'x-expected': "an accelerator such as 'A100:8'" },
  accelerator_args: { type: ['object', 'null'] },
  instance_type: { type: ['string', 'null'], 'x-expected': "an instance type such as 'm6i.large' or '4CPU--16GB'" },
  use_spot: { type: ['boolean', 'null'], 'x-expected': 'true or false' },
  job_recovery: {
    type: ['string', 'object', 'null'],
    properties: {
      strategy: { type: ['string', 'null'] },
      max_restarts_on_errors: { type: 'integer', minimum: 0, 'x-expected': 'a whole number ≥ 0' },
      recover_on_exit_codes: { type: ['integer', 'array'], items: { type: 'integer' } },
    },
    additionalProperties: false,
    'x-expected': "a strategy ('FAILOVER', 'EAGER_NEXT_REGION') or {strategy, max_restarts_on_errors}",
  },
  // Renamed to job_recovery in SkyPilot; 0.14.1 refuses the old name, so we do too (normalise says what to write).
  spot_recovery: {},
  // SkyPilot: a whole number of GB, or digits with a unit and no space ('256GB', '1TB').
  disk_size: {
    anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+(kb|ki|mb|mi|gb|gi|tb|ti|pb|pi|KB|KI|MB|MI|GB|GI|TB|TI|PB|PI|Kb|Ki|Mb|Mi|Gb|Gi|Tb|Ti|Pb|Pi)?$' }, { type: 'null' }],
    'x-expected': "a whole number of GB such as 256, or digits with a unit and no space such as '256GB' or '1TB'",
  },
  disk_tier: { type: ['string', 'null'], enum: ['low', 'medium', 'high', 'ultra', 'best', null], 'x-expected': 'one of low, medium, high, ultra, best' },
  network_tier: { type: ['string', 'null'], enum: ['standard', 'best', null], 'x-expected': 'standard or best' },
  image_id: { type: ['string', 'object', 'null'], 'x-expected': "an image such as 'docker:ubuntu:22.04'" },
  ports: {
    type: ['integer', 'string', 'array', 'null'],
    items: { type: ['integer', 'string'] },
    'x-expected': "a port (8000), a range ('8000-8010') or a list of them",
  },
  labels: {
    type: ['object', 'null'],
    // SkyPilot's schema takes strings only: `team: 123` must be quoted.
    additionalProperties: { type: 'string', 'x-expected': "a string (quote numbers and booleans, e.g. '123')" },
    'x-expected': 'a mapping of label names to values',
  },
  autostop: {
    type: ['boolean', 'integer', 'string', 'object', 'null'],
    properties: {
      idle_minutes: { type: 'integer', minimum: 0 },
      down: { type: 'boolean' },
      wait_for: { type: 'string', enum: ['jobs_and_ssh', 'jobs', 'none'] },
    },
    additionalProperties: false,
    'x-expected': "true/false, minutes (10), a duration ('30m', '2h') or {idle_minutes: 10, down: true}",
  },
  priority: { type: ['integer', 'null'], minimum: -1000, maximum: 1000, 'x-expected': 'a whole number from -1000 to 1000' },
  // Accepted as SkyPilot accepts them; Skyport does not act on them (reported in ignoredKeys).
  local_disk: { type: ['string', 'null'], 'x-expected': "a local disk such as 'nvme:100'" },
  max_hourly_cost: { type: ['number', 'null'], exclusiveMinimum: 0, 'x-expected': 'a price in dollars per hour, greater than 0' },
  priority_class: { type: ['string', 'null'], 'x-expected': 'a Kubernetes PriorityClass name' },
  _cluster_config_overrides: { type: ['object', 'null'] },
} as const;

const resourceChoice = {
  type: 'object',
  properties: resourceProperties,
  additionalProperties: false,
  'x-expected': 'a mapping of resource keys',
};

export const RESOURCE_KEYS: readonly string[] = [...Object.keys(resourceProperties), 'any_of', 'ordered'];

const envMap = {
  type: ['object', 'null'],
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], 'x-expected': 'a string, number or boolean (or nothing: given at launch)' },
  'x-expected': 'a mapping of NAME: value (null = must be given at launch)',
};

export const TASK_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  'x-expected': 'a mapping of task keys (name, resources, setup, run, ...)',
  properties: {
    name: { type: ['string', 'null'], 'x-expected': 'a task name' },
    workdir: {
      type: ['string', 'object', 'null'],
      properties: { url: { type: 'string' }, ref: { type: 'string' } },
      required: ['url'],
      additionalProperties: false,
      'x-expected': "a local directory or {url: <git url>, ref: <branch/tag/commit>}",
    },
    num_nodes: { type: ['integer', 'null'], minimum: 1, 'x-expected': 'a whole number of nodes ≥ 1' },
    resources: {
      type: ['object', 'null'],
      properties: {
        ...resourceProperties,
        any_of: { type: ['array', 'null'], items: resourceChoice, 'x-expected': 'a list of resource mappings' },
        ordered: { type: ['array', 'null'], items: resourceChoice, 'x-expected': 'a list of resource mappings' },
      },
      additionalProperties: false,
      'x-expected': 'a mapping of resource keys',
    },
    envs: envMap,
    // SkyPilot's list form (`- secrets:NAME`, managed secret references) is refused in normalise, naming why.
    secrets: { ...envMap, type: ['object', 'null', 'array'], items: { type: 'string' } },
    file_mounts: {
      type: ['object', 'null'],
      additionalProperties: {
        type: ['string', 'object'],
        properties: {
          // SkyPilot's examples leave the bucket name empty for the user to fill in; launch insists on it.
          name: { type: ['string', 'null'] },
          source: { type: ['string', 'array'], items: { type: 'string' } },
          store: { type: 'string' },
          mode: { type: 'string', enum: ['MOUNT', 'COPY', 'MOUNT_CACHED'] },
          persistent: { type: 'boolean' },
          _bucket_sub_path: { type: 'string' },
          config: { type: 'object' },
        },
        additionalProperties: false,
      },
      'x-expected': 'a mapping of remote path to local path, URL or storage spec',
    },
    // SkyPilot's schema takes a string only (a list is refused even though its Python API joins one).
    setup: { type: ['string', 'null'], 'x-expected': "a shell script (text; use '|' for several lines)" },
    run: { type: ['string', 'null'], 'x-expected': "a shell script (text; use '|' for several lines)" },
    volumes: {
      type: ['object', 'null'],
      additionalProperties: {
        type: ['string', 'object'],
        properties: { name: { type: 'string' }, sub_path: { type: 'string' }, size: { type: ['string', 'number'] }, type: { type: 'string' }, labels: { type: 'object' }, config: { type: 'object' }, host_path: { type: 'string' } },
        additionalProperties: false,
        'x-expected': 'a volume name, {name: <volume>}, or {size: <size>} for a volume made with the cluster',
      },
      'x-expected': 'a mapping of mount path to volume name',
    },
    // Keys SkyPilot's task schema has that Skyport keeps no use for: accepted, reported in ignoredKeys.
    event_callback: { type: ['string', 'null'] },
    api_server_access: { type: ['boolean', 'null'] },
    file_mounts_mapping: { type: ['object', 'null'] },
    _metadata: { type: ['object', 'null'] },
    config: {
      type: ['object', 'null'],
      properties: {
        kubernetes: {
          type: 'object',
          properties: {
            pod_config: { type: 'object', 'x-expected': 'a Pod manifest fragment (mapping)' },
            // SkyPilot's -1 (wait forever) is not supported: a launch always has a deadline here.
            provision_timeout: { type: 'integer', minimum: 0, 'x-expected': "seconds, a whole number ≥ 0 (SkyPilot's -1, wait forever, is not supported by Skyport)" },
          },
        },
      },
      'x-expected': 'a mapping of config overrides (kubernetes.pod_config, kubernetes.provision_timeout, ...)',
    },
    service: {
      type: ['object', 'null'],
      properties: {
        readiness_probe: {
          type: ['string', 'object'],
          properties: {
            path: { type: 'string' },
            initial_delay_seconds: { type: 'number' },
            timeout_seconds: { type: 'number' },
            post_data: { type: ['string', 'object'] },
            headers: { type: 'object' },
          },
          additionalProperties: false,
        },
        replicas: { type: 'integer', minimum: 0 },
        replica_policy: {
          type: 'object',
          properties: {
            min_replicas: { type: 'integer', minimum: 0 },
            max_replicas: { type: 'integer', minimum: 0 },
            num_overprovision: { type: 'integer', minimum: 0 },
            target_qps_per_replica: { type: ['number', 'object'], additionalProperties: { type: 'number' } },
            upscale_delay_seconds: { type: 'number' },
            downscale_delay_seconds: { type: 'number' },
            base_ondemand_fallback_replicas: { type: 'integer', minimum: 0 },
            dynamic_ondemand_fallback: { type: 'boolean' },
            spot_placer: { type: 'string' },
          },
          additionalProperties: false,
        },
        load_balancing_policy: { type: 'string', enum: ['round_robin', 'least_load', 'instance_aware_least_load'], 'x-expected': 'round_robin, least_load or instance_aware_least_load' },
        tls: {
          type: 'object',
          properties: { keyfile: { type: 'string' }, certfile: { type: 'string' } },
          required: ['keyfile', 'certfile'],
          additionalProperties: false,
        },
        ports: { type: 'integer', 'x-expected': 'a port number (a whole number, not a string)' },
      },
      additionalProperties: false,
      'x-expected': 'a SkyServe service section (readiness_probe, replicas, replica_policy, ...)',
    },
    inputs: { type: ['object', 'null'], additionalProperties: { type: 'number' }, maxProperties: 1, 'x-expected': 'one {path: size in GB}' },
    outputs: { type: ['object', 'null'], additionalProperties: { type: 'number' }, maxProperties: 1, 'x-expected': 'one {path: size in GB}' },
  },
  additionalProperties: false,
} as const;

export const TOP_LEVEL_KEYS: readonly string[] = Object.keys(TASK_SCHEMA.properties);
