type Json = unknown;
type Obj = Record<string, Json>;

/** List keys whose items are matched by a key field and merged, instead of appended. */
const MERGE_BY: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  env: 'name',
  // By path, not by name: one volume mounted twice with different subPaths is two mounts (SkyPilot #9357).
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
};

/** List keys that are replaced whole: a command is one value, not a set. */
const REPLACE = new Set(['command', 'args']);

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * The one pod_config merge: `resolveKubernetesSettings` layers global → per-context → task → CLI with it, and the
 * provisioner lays the result over the pod it builds with it, so both always agree.
 *
 * Deep-merges `override` into `base` with SkyPilot's pod_config rules: objects merge key by key; `containers`,
 * `initContainers`, `volumes`, `env`, `imagePullSecrets` merge item-by-item by `name`, `volumeMounts` by
 * `mountPath`, `ports` by `containerPort`; `command`/`args` are replaced; other lists are appended; scalars are
 * replaced. An override container without a name merges into the base container at the same position (the
 * common `containers: [{resources: ...}]` form). Neither input is modified.
 */
export function mergePodConfig(base: Obj, override: Obj): Obj {
  return mergeObject(clone(base), override);
}

function mergeObject(target: Obj, override: Obj): Obj {
  for (const [key, value] of Object.entries(override)) {
    const existing = target[key];
    if (value === null || value === undefined) {
      // An explicit null in YAML removes nothing silently; it sets the field as written.
      target[key] = value;
    } else if (isObj(value) && isObj(existing)) {
      target[key] = mergeObject(existing, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && !REPLACE.has(key)) {
      target[key] = mergeList(key, existing, value);
    } else {
      target[key] = clone(value);
    }
  }
  return target;
}

function mergeList(key: string, existing: Json[], incoming: Json[]): Json[] {
  const by = MERGE_BY[key];
  if (!by) return [...existing, ...clone(incoming)];
  const out = [...existing];
  incoming.forEach((item, index) => {
    if (!isObj(item)) {
      out.push(clone(item));
      return;
    }
    const id = item[by];
    let at = id !== undefined ? out.findIndex((e) => isObj(e) && e[by] === id) : -1;
    if (at < 0 && id === undefined && (key === 'containers' || key === 'initContainers') && index < existing.length) at = index;
    if (at >= 0 && isObj(out[at])) out[at] = mergeObject(out[at] as Obj, item);
    else out.push(clone(item));
  });
  return out;
}

/** Merges several pod_config layers in order (global, per context, task): later layers win. */
export function mergePodConfigs(base: Obj, layers: ReadonlyArray<Obj | undefined>): Obj {
  return layers.reduce<Obj>((acc, layer) => (layer ? mergePodConfig(acc, layer) : acc), base);
}
