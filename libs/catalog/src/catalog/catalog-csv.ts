import { SkyportError, ErrorCode } from '@skyport/contracts';
import { canonicalAccelerator } from '../accelerators/accelerator-names';
import type { CloudName, InstanceOffering } from './catalog.types';

export const CATALOG_COLUMNS = [
  'InstanceType',
  'AcceleratorName',
  'AcceleratorCount',
  'vCPUs',
  'MemoryGiB',
  'Price',
  'SpotPrice',
  'Region',
  'AvailabilityZone',
] as const;

function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

function badCatalog(file: string, line: number, what: string): SkyportError {
  return new SkyportError(ErrorCode.Internal, `catalog ${file} line ${line}: ${what}`, { file, line });
}

/** The `# ...` lines before the header: where the prices come from and when. */
export interface ParsedCatalog {
  comments: string[];
  offerings: InstanceOffering[];
}

/**
 * Parses one catalog file. Lines starting with `#` are comments (the source and date note); the first other line
 * is the header, which must name the columns in CATALOG_COLUMNS (any order). Accelerator names are canonicalised.
 */
export function parseCatalogCsv(cloud: CloudName, text: string, file = `${cloud}.csv`): ParsedCatalog {
  const comments: string[] = [];
  const offerings: InstanceOffering[] = [];
  let index: Record<(typeof CATALOG_COLUMNS)[number], number> | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      comments.push(line.replace(/^#\s*/, ''));
      continue;
    }
    const cells = splitCsvLine(line).map((c) => c.trim());
    if (!index) {
      const found = {} as Record<(typeof CATALOG_COLUMNS)[number], number>;
      for (const col of CATALOG_COLUMNS) {
        const at = cells.indexOf(col);
        if (at < 0) throw badCatalog(file, n + 1, `header lacks column ${col}`);
        found[col] = at;
      }
      index = found;
      continue;
    }
    const columns = index;
    const get = (col: (typeof CATALOG_COLUMNS)[number]): string => cells[columns[col]] ?? '';
    const num = (col: (typeof CATALOG_COLUMNS)[number], optional: boolean): number | undefined => {
      const v = get(col);
      if (v === '') {
        if (optional) return undefined;
        throw badCatalog(file, n + 1, `${col} is empty`);
      }
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) throw badCatalog(file, n + 1, `${col} is not a number: '${v}'`);
      return x;
    };
    const rawAcc = get('AcceleratorName');
    let acceleratorName: string | undefined;
    if (rawAcc) {
      acceleratorName = canonicalAccelerator(rawAcc);
      if (!acceleratorName) throw badCatalog(file, n + 1, `unknown accelerator '${rawAcc}'`);
    }
    const instanceType = get('InstanceType');
    const region = get('Region');
    if (!instanceType || !region) throw badCatalog(file, n + 1, 'InstanceType and Region are required');
    offerings.push({
      cloud,
      instanceType,
      acceleratorName,
      acceleratorCount: acceleratorName ? (num('AcceleratorCount', false) as number) : 0,
      vcpus: num('vCPUs', false) as number,
      memoryGib: num('MemoryGiB', false) as number,
      price: num('Price', false) as number,
      spotPrice: num('SpotPrice', true),
      region,
      zone: get('AvailabilityZone') || undefined,
    });
  }
  if (!index) throw badCatalog(file, lines.length, 'no header line');
  return { comments, offerings };
}
