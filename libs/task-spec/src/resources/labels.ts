import { ResourceSyntaxError } from './resource-syntax-error';

// Kubernetes label syntax: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `resources.labels` become pod labels on Kubernetes, so they must be valid Kubernetes labels; checked here so
 * the mistake shows in `validate`, not as a failed provision.
 */
export function checkLabel(key: string, value: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (!name || name.length > 63 || !NAME.test(name)) {
    throw new ResourceSyntaxError(`label key '${key}' is not a valid Kubernetes label: the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
  }
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    throw new ResourceSyntaxError(`label key '${key}' has an invalid prefix '${prefix}': use a DNS subdomain such as 'example.com'`);
  }
  if (value.length > 63 || !NAME.test(value)) {
    throw new ResourceSyntaxError(`label '${key}' has an invalid value '${value}': at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)`);
  }
}
