import { parse as parseYaml } from 'yaml';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { parseInfra } from '../resources/infra';
import { ResourceSyntaxError } from '../resources/resource-syntax-error';

/** Access modes a PersistentVolumeClaim may ask for (SkyPilot's `config.access_mode`). */
export const VOLUME_ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'] as const;
export type VolumeAccessMode = (typeof VOLUME_ACCESS_MODES)[number];

/** A volume as SkyPilot's volume YAML describes it (`sky volumes apply`), checked and normalised. */
export interface VolumeSpec {
  name: string;
  type: 'k8s-pvc';
  /** Kubernetes context; absent: the server picks (the team's first context, or the default one). */
  context?: string;
  /** The claim's size in GiB (fractions when given in Mi); absent only with `useExisting`. */
  sizeGb?: number;
  storageClassName?: string;
  accessMode: VolumeAccessMode;
  /** `config.namespace`; absent: the team's namespace on the context, or the context's default. */
  namespace?: string;
  /** `use_existing: true`: record an existing claim named `name` instead of creating one. */
  useExisting: boolean;
}

const KEYS = new Set(['name', 'type', 'infra', 'size', 'config', 'use_existing', 'labels']);
const CONFIG_KEYS = new Set(['storage_class_name', 'access_mode', 'namespace']);
/** A DNS-1123 label: the volume's name is the claim's name, and labels carry it. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*(Mi|Gi|Ti|MB|GB|TB|M|G|T)?$/;
const GB_PER_UNIT: Record<string, number> = { mi: 1 / 1024, m: 1 / 1024, mb: 1 / 1024, gi: 1, g: 1, gb: 1, ti: 1024, t: 1024, tb: 1024 };

function invalid(message: string, field?: string): SkyportError {
  return new SkyportError(ErrorCode.InvalidRequest, message, { kind: 'invalid', ...(field ? { field } : {}) });
}

/** Why a volume name is not usable, or null. It becomes the PersistentVolumeClaim's name. */
export function volumeNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return "a volume needs a 'name'";
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    return `volume name '${name}' is not a valid Kubernetes name: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit (e.g. '${suggestName(name)}')`;
  }
  return null;
}

function suggestName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'my-volume';
}

/** `10Gi`, `10` (GiB, as SkyPilot reads a bare number), `500Mi`, `1Ti`, `10GB` → GiB. */
export function parseVolumeSize(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = SIZE.exec(text);
  if (!match) throw invalid(`volume size '${String(value)}' is not a size: use a number of GiB such as 10, or a quantity like '10Gi', '500Mi' or '1Ti'`, 'size');
  const gb = Number(match[1]) * (match[2] ? GB_PER_UNIT[match[2].toLowerCase()] : 1);
  if (!(gb > 0)) throw invalid(`volume size must be greater than 0, got '${text}'`, 'size');
  if (gb > 1024 * 1024) throw invalid(`volume size '${text}' is more than 1 PiB`, 'size');
  return gb;
}

/** The claim's `resources.requests.storage`: whole Gi when it is, else Mi. */
export function formatVolumeSize(gb: number): string {
  const mi = Math.ceil(gb * 1024);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

function where(infra: unknown): { context?: string } {
  if (infra === undefined || infra === null) return {};
  if (typeof infra !== 'string') throw invalid("volume 'infra' must be a string such as 'k8s' or 'kubernetes/<context>'", 'infra');
  let parsed;
  try {
    parsed = parseInfra(infra);
  } catch (err) {
    if (err instanceof ResourceSyntaxError) throw invalid(`volume 'infra': ${err.message}`, 'infra');
    throw err;
  }
  if (parsed && parsed.provider !== 'kubernetes') {
    throw invalid(`volume 'infra: ${infra}' is not supported: Skyport volumes live on Kubernetes ('k8s' or 'kubernetes/<context>')`, 'infra');
  }
  return parsed?.context ? { context: parsed.context } : {};
}

/** Checks a volume document (the parsed YAML, or the api's JSON body) and returns the volume it describes. */
export function parseVolumeObject(doc: unknown): VolumeSpec {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('a volume is a mapping with name, type, infra, size and config');
  const raw = doc as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !KEYS.has(k));
  if (unknown.length) throw invalid(`unknown volume field(s): ${unknown.join(', ')}; a volume has name, type, infra, size, config and use_existing`, unknown[0]);
  const nameProblem = volumeNameProblem(raw.name);
  if (nameProblem) throw invalid(nameProblem, 'name');
  const type = raw.type ?? 'k8s-pvc';
  if (type !== 'k8s-pvc') {
    throw invalid(`volume type '${String(type)}' is not supported by Skyport: only 'k8s-pvc' (a Kubernetes PersistentVolumeClaim)`, 'type');
  }
  if (raw.labels !== undefined) throw invalid("volume 'labels' are not supported by Skyport: the claim carries Skyport's own labels", 'labels');
  const useExisting = raw.use_existing ?? false;
  if (typeof useExisting !== 'boolean') throw invalid("volume 'use_existing' must be true or false", 'use_existing');
  const config = raw.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalid("volume 'config' must be a mapping (storage_class_name, access_mode, namespace)", 'config');
  const cfg = config as Record<string, unknown>;
  const unknownConfig = Object.keys(cfg).filter((k) => !CONFIG_KEYS.has(k));
  if (unknownConfig.length) throw invalid(`unknown volume config field(s): ${unknownConfig.join(', ')}; config has storage_class_name, access_mode and namespace`, `config.${unknownConfig[0]}`);
  const accessMode = cfg.access_mode ?? 'ReadWriteOnce';
  if (!VOLUME_ACCESS_MODES.includes(accessMode as VolumeAccessMode)) {
    throw invalid(`volume access_mode '${String(accessMode)}' is not one of ${VOLUME_ACCESS_MODES.join(', ')}`, 'config.access_mode');
  }
  const storageClassName = cfg.storage_class_name;
  if (storageClassName !== undefined && (typeof storageClassName !== 'string' || volumeNameProblem(storageClassName.replace(/\./g, '-')))) {
    throw invalid(`volume storage_class_name '${String(storageClassName)}' is not a valid Kubernetes name`, 'config.storage_class_name');
  }
  const namespace = cfg.namespace;
  if (namespace !== undefined && (typeof namespace !== 'string' || !DNS_LABEL.test(namespace) || namespace.length > 63)) {
    throw invalid(`volume namespace '${String(namespace)}' is not a valid Kubernetes namespace name`, 'config.namespace');
  }
  if (raw.size === undefined && !useExisting) throw invalid("a volume needs a 'size' (e.g. 10Gi), unless it is 'use_existing: true'", 'size');
  return {
    name: raw.name as string,
    type: 'k8s-pvc',
    ...where(raw.infra),
    ...(raw.size !== undefined ? { sizeGb: parseVolumeSize(raw.size) } : {}),
    ...(storageClassName !== undefined ? { storageClassName: storageClassName as string } : {}),
    accessMode: accessMode as VolumeAccessMode,
    ...(namespace !== undefined ? { namespace: namespace as string } : {}),
    useExisting,
  };
}

/** A volume YAML file's text (one document). */
export function parseVolumeYaml(text: string): VolumeSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw invalid(`the volume file is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return parseVolumeObject(doc);
}
