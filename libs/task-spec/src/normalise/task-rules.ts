import type { KeyPath } from '../schema/validate-schema';

type Raw = Record<string, unknown>;
type Report = (path: KeyPath, message: string) => void;

// SkyPilot's task name rule (sky/task.py `_VALID_NAME_REGEX`).
const TASK_NAME = /^[a-zA-Z0-9]+(?:[._-]{1,2}[a-zA-Z0-9]+)*$/;

export function checkTaskName(name: unknown, report: Report): void {
  if (name === null || name === undefined) return;
  if (!TASK_NAME.test(String(name))) {
    report(['name'], `task name '${String(name)}' is not valid: expected ASCII letters, digits, '_', '.' and '-', starting and ending with a letter or digit, with at most two separators in a row (e.g. 'train-gpt2')`);
  }
}

const DOCKER_LOGIN = ['SKYPILOT_DOCKER_USERNAME', 'SKYPILOT_DOCKER_PASSWORD', 'SKYPILOT_DOCKER_SERVER'];

/** The registry login for `image_id: docker:...`: all three variables together, in envs or in secrets, as SkyPilot requires. */
export function checkDockerLogin(envs: Raw | null | undefined, secrets: unknown, report: Report): void {
  const inEnvs = DOCKER_LOGIN.filter((k) => envs && k in envs);
  const inSecrets = DOCKER_LOGIN.filter((k) => secrets && typeof secrets === 'object' && !Array.isArray(secrets) && k in (secrets as Raw));
  if (inEnvs.length && inSecrets.length) {
    report(['secrets', inSecrets[0]], `the registry login variables ${DOCKER_LOGIN.join(', ')} must all be in envs or all in secrets, not split (envs has ${inEnvs.join(', ')}; secrets has ${inSecrets.join(', ')})`);
    return;
  }
  for (const [where, found] of [['envs', inEnvs], ['secrets', inSecrets]] as const) {
    if (found.length && found.length < DOCKER_LOGIN.length) {
      const missing = DOCKER_LOGIN.filter((k) => !found.includes(k));
      report([where, found[0]], `${found.join(', ')} set without ${missing.join(', ')}: the registry login needs all three of ${DOCKER_LOGIN.join(', ')} in ${where}`);
    }
  }
}

/** `volumes`: `/path: name` or `/path: {name: ...}`; the path absolute (or under ~), no trailing '/'. */
export function normaliseVolumes(value: unknown, report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [target, spec] of Object.entries((value as Raw | null) ?? {})) {
    const at: KeyPath = ['volumes', target];
    if (!target.startsWith('/') && !target.startsWith('~')) report(at, `volume mount path '${target}' must be absolute: expected a path starting with '/' or '~'`);
    else if (target.length > 1 && target.endsWith('/')) report(at, `volume mount path '${target}' must not end with '/': write '${target.replace(/\/+$/, '')}'`);
    if (typeof spec === 'string') {
      out[target] = spec;
      continue;
    }
    const s = spec as Raw;
    if (typeof s.name === 'string' && s.size === undefined) {
      if (s.sub_path !== undefined) report([...at, 'sub_path'], `volume 'sub_path' is not supported by Skyport: mount the volume '${s.name}' whole`);
      else out[target] = s.name;
    } else if (s.size !== undefined) {
      // An ephemeral volume (made with the cluster): normaliseEphemeralVolumes reads it.
    } else if (s.host_path !== undefined) {
      report(at, 'unsupported: host_path volumes (Slurm only in SkyPilot) are not supported by Skyport');
    } else {
      report(at, `volume '${target}' needs a volume: expected '${target}: <volume name>' or {name: <volume name>}`);
    }
  }
  return out;
}

/** The `service:` rules SkyPilot's SkyServiceSpec enforces when it loads a task. */
export function checkService(service: Raw | null | undefined, report: Report): void {
  if (!service) return;
  const probe = service.readiness_probe;
  const path = typeof probe === 'string' ? probe : probe && typeof probe === 'object' ? (probe as Raw).path : undefined;
  if (typeof path === 'string' && !path.startsWith('/')) report(['service', 'readiness_probe'], `readiness probe path '${path}' must start with '/': write '/${path}'`);
  const policy = service.replica_policy as Raw | undefined;
  if (service.replicas !== undefined && policy !== undefined) {
    report(['service', 'replica_policy'], "set either 'replicas' or 'replica_policy', not both");
    return;
  }
  if (policy) {
    const min = (policy.min_replicas as number | undefined) ?? 1;
    const max = policy.max_replicas as number | undefined;
    if (max !== undefined && max < min) report(['service', 'replica_policy', 'max_replicas'], `max_replicas ${max} is below min_replicas ${min}: expected max_replicas ≥ min_replicas`);
    else if (max !== undefined && max !== min && policy.target_qps_per_replica === undefined) {
      report(['service', 'replica_policy', 'target_qps_per_replica'], `min_replicas ${min} and max_replicas ${max} differ but target_qps_per_replica is not set: set it to autoscale, or make them equal`);
    }
  }
}
