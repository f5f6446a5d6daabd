/** Clouds Skyport ships a catalog for; the CSV file is `data/<cloud>.csv`. */
export const CLOUDS = ['aws', 'gcp', 'azure', 'lambda', 'ibm'] as const;
export type CloudName = (typeof CLOUDS)[number];

export const CLOUD_DISPLAY_NAMES: Record<CloudName, string> = {
  aws: 'AWS',
  gcp: 'GCP',
  azure: 'Azure',
  lambda: 'Lambda',
  ibm: 'IBM',
};

export function isCloudName(value: string): value is CloudName {
  return (CLOUDS as readonly string[]).includes(value);
}

/** One row of a catalog: an instance type in one region (and zone) at its hourly price. */
export interface InstanceOffering {
  cloud: CloudName;
  instanceType: string;
  /** Canonical accelerator name, or undefined for CPU-only types. */
  acceleratorName?: string;
  acceleratorCount: number;
  vcpus: number;
  memoryGib: number;
  /** On-demand USD per hour. */
  price: number;
  /** Spot USD per hour; undefined where the cloud sells no spot capacity for it. */
  spotPrice?: number;
  region: string;
  zone?: string;
}

/** Filters for `Catalog.find`; every field narrows, none is required. */
export interface OfferingQuery {
  cloud?: CloudName;
  region?: string;
  zone?: string;
  instanceType?: string;
  /** Canonical or alias; `null` asks for CPU-only types. */
  accelerator?: string | null;
  acceleratorCount?: number;
  /** Only offerings with a spot price. */
  spot?: boolean;
  minVcpus?: number;
  minMemoryGib?: number;
}
