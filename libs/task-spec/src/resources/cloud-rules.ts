import { checkLabel } from './labels';
import { ResourceSyntaxError } from './resource-syntax-error';

/**
 * Clouds without zones in SkyPilot 0.14.1 (their catalogs' `validate_region_zone` refuse one): a zone there is a
 * mistake SkyPilot reports before launch, so Skyport reports it at validate.
 */
export const ZONELESS_PROVIDERS: readonly string[] = ['azure', 'lambda', 'paperspace', 'hyperbolic', 'scp', 'seeweb', 'fluidstack', 'vast', 'do', 'nebius', 'cudo', 'mithril', 'yotta'];

export function checkZone(provider: string, zone: string | undefined): void {
  if (zone && ZONELESS_PROVIDERS.includes(provider)) {
    throw new ResourceSyntaxError(`zone '${zone}' cannot be used: ${provider} has no zones; name only the region ('${provider}/<region>')`);
  }
}

/** SkyPilot runs TPUs on GCP (TPU VMs) or on GKE; an accelerator named tpu-* on another cloud is refused. */
export function checkTpuPlacement(provider: string | undefined, accelerator: string): void {
  if (provider && accelerator.toLowerCase().includes('tpu') && provider !== 'gcp' && provider !== 'kubernetes') {
    throw new ResourceSyntaxError(`accelerator '${accelerator}' is a TPU, which runs only on GCP or Kubernetes (GKE), not on ${provider}: use infra 'gcp' or 'k8s'`);
  }
}

const AWS_KEY = /^(?!aws:)\S{1,127}$/;
const AWS_VALUE = /^\S{0,255}$/;
const GCP_KEY = /^[a-z]([a-z0-9_-]{0,62})?$/;
const GCP_VALUE = /^[a-z0-9_-]{0,63}$/;

/**
 * A label, checked by the rules of the place it goes: Kubernetes label syntax on Kubernetes (and when no cloud is
 * named, since the task may land there), AWS tag rules on AWS, GCP label rules on GCP, as SkyPilot's
 * `Cloud.is_label_valid` does. Other clouds take any label.
 */
export function checkLabelFor(provider: string | undefined, key: string, value: string): void {
  if (!provider || provider === 'kubernetes') return checkLabel(key, value);
  if (provider === 'aws') {
    if (!AWS_KEY.test(key)) throw new ResourceSyntaxError(`label key '${key}' is not a valid AWS tag key: 1-127 characters without spaces, not starting with 'aws:'`);
    if (!AWS_VALUE.test(value)) throw new ResourceSyntaxError(`label '${key}' has an invalid AWS tag value '${value}': at most 255 characters without spaces`);
  }
  if (provider === 'gcp') {
    if (!GCP_KEY.test(key)) throw new ResourceSyntaxError(`label key '${key}' is not a valid GCP label key: a lowercase letter, then up to 62 lowercase letters, digits, '-' or '_'`);
    if (!GCP_VALUE.test(value)) throw new ResourceSyntaxError(`label '${key}' has an invalid GCP label value '${value}': up to 63 lowercase letters, digits, '-' or '_'`);
  }
}
