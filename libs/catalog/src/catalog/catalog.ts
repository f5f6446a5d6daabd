import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalAccelerator } from '../accelerators/accelerator-names';
import { CATALOG_DATA_DIR } from '../data-dir';
import { parseCatalogCsv } from './catalog-csv';
import { CLOUDS, type CloudName, type InstanceOffering, type OfferingQuery } from './catalog.types';

const CPU_ONLY = '';

/**
 * Every offering of the loaded clouds, indexed by accelerator and by cloud/region so that a plan touches only
 * the rows that can matter. Immutable once built.
 */
export class Catalog {
  private readonly byAccelerator = new Map<string, InstanceOffering[]>();
  private readonly byCloud = new Map<CloudName, InstanceOffering[]>();
  private readonly byCloudRegion = new Map<string, InstanceOffering[]>();

  constructor(
    readonly offerings: readonly InstanceOffering[],
    /** Per cloud, the comment lines of its file (source and date). */
    readonly sources: ReadonlyMap<CloudName, readonly string[]> = new Map(),
  ) {
    for (const o of offerings) {
      push(this.byAccelerator, o.acceleratorName ?? CPU_ONLY, o);
      push(this.byCloud, o.cloud, o);
      push(this.byCloudRegion, `${o.cloud}/${o.region}`, o);
    }
  }

  clouds(): CloudName[] {
    return [...this.byCloud.keys()];
  }

  regions(cloud: CloudName): string[] {
    return [...new Set((this.byCloud.get(cloud) ?? []).map((o) => o.region))];
  }

  /** Canonical names of the accelerators some loaded cloud sells. */
  accelerators(): string[] {
    return [...this.byAccelerator.keys()].filter((k) => k !== CPU_ONLY);
  }

  find(query: OfferingQuery = {}): InstanceOffering[] {
    let pool: readonly InstanceOffering[];
    let accelerator: string | undefined;
    if (query.accelerator !== undefined && query.accelerator !== null) {
      accelerator = canonicalAccelerator(query.accelerator);
      if (!accelerator) return [];
    }
    if (query.cloud && query.region) pool = this.byCloudRegion.get(`${query.cloud}/${query.region}`) ?? [];
    else if (accelerator !== undefined) pool = this.byAccelerator.get(accelerator) ?? [];
    else if (query.accelerator === null) pool = this.byAccelerator.get(CPU_ONLY) ?? [];
    else if (query.cloud) pool = this.byCloud.get(query.cloud) ?? [];
    else pool = this.offerings;
    return pool.filter(
      (o) =>
        (query.cloud === undefined || o.cloud === query.cloud) &&
        (query.region === undefined || o.region === query.region) &&
        (query.zone === undefined || o.zone === query.zone) &&
        (query.instanceType === undefined || o.instanceType === query.instanceType) &&
        (query.accelerator === undefined ||
          (query.accelerator === null ? o.acceleratorName === undefined : o.acceleratorName === accelerator)) &&
        (query.acceleratorCount === undefined || o.acceleratorCount === query.acceleratorCount) &&
        (query.spot !== true || o.spotPrice !== undefined) &&
        (query.minVcpus === undefined || o.vcpus >= query.minVcpus) &&
        (query.minMemoryGib === undefined || o.memoryGib >= query.minMemoryGib),
    );
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface LoadCatalogOptions {
  /** Folder holding `<cloud>.csv`; the catalogs shipped with this package by default. */
  dir?: string;
  clouds?: readonly CloudName[];
}

/** Reads and indexes the catalog files. Prefer `defaultCatalog()`, which does this once per process. */
export function loadCatalog(options: LoadCatalogOptions = {}): Catalog {
  const dir = options.dir ?? CATALOG_DATA_DIR;
  const offerings: InstanceOffering[] = [];
  const sources = new Map<CloudName, string[]>();
  for (const cloud of options.clouds ?? CLOUDS) {
    const file = join(dir, `${cloud}.csv`);
    const parsed = parseCatalogCsv(cloud, readFileSync(file, 'utf8'), `${cloud}.csv`);
    offerings.push(...parsed.offerings);
    sources.set(cloud, parsed.comments);
  }
  return new Catalog(offerings, sources);
}

let shared: Catalog | undefined;

/** The shipped catalogs of every cloud, parsed on first use and kept for the life of the process. */
export function defaultCatalog(): Catalog {
  shared ??= loadCatalog();
  return shared;
}
