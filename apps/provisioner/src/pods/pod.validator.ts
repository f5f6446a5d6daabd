import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { V1Pod } from '@skyport/kube';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Checks the pod after pod_config was merged in, before anything is sent: the mistakes a merge can produce
 * (a mount of an undeclared volume, two mounts at one path, a container without image) are named with their
 * path, instead of surfacing as a 422 halfway through creating a multi-node cluster.
 */
export function podProblems(pod: V1Pod): string[] {
  const problems: string[] = [];
  const spec = pod.spec;
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) return ['spec.containers: at least one container is required'];
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    if (!v?.name) problems.push(`spec.volumes[${i}].name: required`);
    else if (volumes.has(v.name)) problems.push(`spec.volumes[${i}].name: duplicate volume '${v.name}'`);
    else volumes.add(v.name);
  });
  const check = (kind: 'containers' | 'initContainers') => {
    const names = new Set<string>();
    (spec[kind] ?? []).forEach((c, i) => {
      const at = `spec.${kind}[${i}]`;
      if (!c?.name) problems.push(`${at}.name: required`);
      else if (names.has(c.name)) problems.push(`${at}.name: duplicate container '${c.name}'`);
      else names.add(c.name);
      if (!c?.image) problems.push(`${at}.image: required`);
      const paths = new Set<string>();
      (c?.volumeMounts ?? []).forEach((m, j) => {
        if (!m?.mountPath) problems.push(`${at}.volumeMounts[${j}].mountPath: required`);
        else if (paths.has(m.mountPath)) problems.push(`${at}.volumeMounts[${j}].mountPath: '${m.mountPath}' is mounted twice`);
        else paths.add(m.mountPath);
        if (m?.name && !volumes.has(m.name)) problems.push(`${at}.volumeMounts[${j}].name: no volume named '${m.name}' in spec.volumes`);
      });
      (c?.env ?? []).forEach((e, j) => {
        if (!e?.name || !ENV_NAME.test(e.name)) problems.push(`${at}.env[${j}].name: '${e?.name ?? ''}' is not a valid variable name`);
      });
    });
  };
  check('containers');
  check('initContainers');
  return problems;
}

export function validatePod(pod: V1Pod): void {
  const problems = podProblems(pod);
  if (problems.length > 0) {
    throw new SkyportError(ErrorCode.InvalidTask, `kubernetes.pod_config produces an invalid pod: ${problems.join('; ')}.`, { problems });
  }
}
