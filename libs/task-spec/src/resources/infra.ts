import { nearestWord } from '@skyport/contracts';
import type { InfraSpec } from '../types/task-spec.types';
import { ResourceSyntaxError } from './resource-syntax-error';

/**
 * Provider names SkyPilot task files use. Skyport runs on Kubernetes and bursts to the clouds it has catalogs
 * for; the other names are accepted as valid syntax (the optimizer reports them as having no candidates) so that
 * existing task files validate.
 */
export const KNOWN_PROVIDERS: readonly string[] = [
  'kubernetes',
  'aws',
  'gcp',
  'azure',
  'lambda',
  'ibm',
  'oci',
  'nebius',
  'runpod',
  'fluidstack',
  'paperspace',
  'cudo',
  'do',
  'vast',
  'vsphere',
  'scp',
  'ssh',
  'slurm',
  'hyperbolic',
  'seeweb',
  'primeintellect',
  'shadeform',
  'coreweave',
];

const ALIASES: Record<string, string> = { k8s: 'kubernetes' };

function provider(name: string): string {
  const lower = name.trim().toLowerCase();
  const canonical = ALIASES[lower] ?? lower;
  if (!KNOWN_PROVIDERS.includes(canonical)) {
    // A suggestion only when it is a likely slip: two-letter names ('do') are one edit from almost anything.
    const guess = nearestWord(lower, [...KNOWN_PROVIDERS, 'k8s'].filter((p) => p.length >= 3), { ignoreCase: true });
    const expected = `'k8s', 'kubernetes/<context>' or a cloud (${KNOWN_PROVIDERS.slice(1, 6).join(', ')}, ...), optionally with '/<region>[/<zone>]'`;
    throw new ResourceSyntaxError(`unknown infra '${name}'${guess ? `; did you mean '${guess}'? Expected ${expected}` : `: expected ${expected}`}`);
  }
  return canonical;
}

/**
 * `infra`: `k8s`, `kubernetes`, `kubernetes/<context>` (the context is everything after the first `/`, so it
 * may itself contain `/` and `:`, as EKS and GKE context names do), `aws`, `aws/us-east-1`,
 * `aws/us-east-1/us-east-1a`, `gcp/*\/us-central1-a` (`*` = any region). `*` alone means anywhere.
 */
export function parseInfra(value: string): InfraSpec | undefined {
  const text = value.trim();
  if (!text) throw new ResourceSyntaxError("infra is empty: use 'k8s', 'kubernetes/<context>' or a cloud such as 'aws'");
  if (text === '*') return undefined;
  const slash = text.indexOf('/');
  const head = slash < 0 ? text : text.slice(0, slash);
  const rest = slash < 0 ? '' : text.slice(slash + 1);
  const name = provider(head);
  if (name === 'kubernetes' || name === 'ssh' || name === 'slurm') {
    if (slash >= 0 && !rest) throw new ResourceSyntaxError(`'${text}' ends with '/': name the context after it, or write '${head}'`);
    return rest && rest !== '*' ? { provider: name, context: rest } : { provider: name };
  }
  const parts = rest ? rest.split('/') : [];
  if (parts.length > 2) throw new ResourceSyntaxError(`'${text}' has too many parts: use '<cloud>/<region>/<zone>'`);
  if (parts.some((p) => !p)) throw new ResourceSyntaxError(`'${text}' has an empty part: use '<cloud>/<region>/<zone>', with '*' for any region`);
  const spec: InfraSpec = { provider: name };
  if (parts[0] && parts[0] !== '*') spec.region = parts[0];
  if (parts[1] && parts[1] !== '*') spec.zone = parts[1];
  return spec;
}

/** The older `cloud` / `region` / `zone` keys, mapped to the same shape. */
export function infraFromLegacy(cloud?: string | null, region?: string | null, zone?: string | null): InfraSpec | undefined {
  if (!cloud && !region && !zone) return undefined;
  if (!cloud) {
    const given = [region ? `region '${region}'` : '', zone ? `zone '${zone}'` : ''].filter(Boolean).join(' and ');
    throw new ResourceSyntaxError(`'region' and 'zone' need a cloud (got ${given} without one): expected 'infra: <cloud>/${region ?? '*'}${zone ? `/${zone}` : ''}'`);
  }
  const name = provider(cloud);
  if (name === 'kubernetes') {
    if (zone) throw new ResourceSyntaxError(`zone '${zone}' cannot be used: Kubernetes has no zones; expected 'infra: kubernetes/<context>'`);
    return region ? { provider: name, context: region } : { provider: name };
  }
  const spec: InfraSpec = { provider: name };
  if (region) spec.region = region;
  if (zone) spec.zone = zone;
  return spec;
}

/** Back to the `infra` string: `kubernetes/<ctx>`, `aws/us-east-1`, `gcp/*\/us-central1-a`. */
export function formatInfra(infra: InfraSpec | undefined): string {
  if (!infra) return '*';
  if (infra.context) return `${infra.provider}/${infra.context}`;
  if (infra.zone) return `${infra.provider}/${infra.region ?? '*'}/${infra.zone}`;
  if (infra.region) return `${infra.provider}/${infra.region}`;
  return infra.provider;
}
