type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `override` into `base` the way Skyport layers `pod_config` (DESIGN §6): mappings merge key by key,
 * `containers` / `initContainers` lists merge by position, other lists are appended, scalars are replaced.
 * Returns a new value; neither input is changed.
 */
export function mergePodConfig(base: Json, override: Json, key?: string): Json {
  if (override === undefined) return structuredClone(base);
  if (base === undefined || base === null) return structuredClone(override);
  if (isObject(base) && isObject(override)) {
    const out: Record<string, Json> = structuredClone(base);
    for (const [k, v] of Object.entries(override)) out[k] = mergePodConfig(base[k], v, k);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    if (key === 'containers' || key === 'initContainers') {
      const length = Math.max(base.length, override.length);
      return Array.from({ length }, (_, i) => mergePodConfig(base[i], override[i]));
    }
    return [...structuredClone(base), ...structuredClone(override)];
  }
  return structuredClone(override);
}
