import type { V1Pod } from '@skyport/kube';
import { MAIN_CONTAINER } from '../pods/cluster-labels';

/**
 * What differs between an existing node pod and the one a new launch would create, in the terms a user
 * wrote (image, CPUs, memory, GPUs); undefined when the existing pod can be reused as is.
 */
export function describeShapeDifference(existing: V1Pod, wanted: V1Pod): string | undefined {
  const main = (p: V1Pod) => p.spec?.containers?.find((c) => c.name === MAIN_CONTAINER) ?? p.spec?.containers?.[0];
  const a = main(existing);
  const b = main(wanted);
  const diffs: string[] = [];
  if (a?.image !== b?.image) diffs.push(`image ${a?.image ?? 'none'} → ${b?.image ?? 'none'}`);
  const keys = new Set([...Object.keys(a?.resources?.requests ?? {}), ...Object.keys(b?.resources?.requests ?? {})]);
  for (const k of [...keys].sort()) {
    const x = a?.resources?.requests?.[k];
    const y = b?.resources?.requests?.[k];
    if (x !== y) diffs.push(`${k} ${x ?? 'none'} → ${y ?? 'none'}`);
  }
  return diffs.length > 0 ? diffs.join(', ') : undefined;
}
