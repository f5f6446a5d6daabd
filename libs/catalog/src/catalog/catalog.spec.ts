import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CATALOG_DATA_DIR } from '../data-dir';
import { defaultCatalog, loadCatalog } from './catalog';
import { parseCatalogCsv } from './catalog-csv';
import { CLOUDS } from './catalog.types';

test('every cloud ships a catalog with a source note, found from the compiled output', () => {
  const files = readdirSync(CATALOG_DATA_DIR);
  for (const cloud of CLOUDS) assert.ok(files.includes(`${cloud}.csv`), `${cloud}.csv missing`);
  const catalog = defaultCatalog();
  for (const cloud of CLOUDS) {
    const note = catalog.sources.get(cloud)?.join(' ') ?? '';
    assert.match(note, /source:/, `${cloud} has no source line`);
    assert.match(note, /\d{4}-\d{2}-\d{2}/, `${cloud} has no date`);
  }
});

test('each cloud offers CPU-only types in at least two regions', () => {
  const catalog = defaultCatalog();
  for (const cloud of CLOUDS) {
    const cpuRegions = new Set(catalog.find({ cloud, accelerator: null }).map((o) => o.region));
    assert.ok(cpuRegions.size >= 2, `${cloud}: ${[...cpuRegions].join(',')}`);
    assert.ok(catalog.regions(cloud).length >= 2);
  }
});

test('common GPUs are offered somewhere', () => {
  const have = new Set(defaultCatalog().accelerators());
  for (const gpu of ['T4', 'L4', 'A10G', 'A10', 'V100', 'A100', 'A100-80GB', 'H100', 'H200']) assert.ok(have.has(gpu), gpu);
});

test('instance types are unique per cloud and region', () => {
  const seen = new Set<string>();
  for (const o of defaultCatalog().offerings) {
    const key = `${o.cloud}/${o.region}/${o.instanceType}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
  }
});

test('accelerator lookups accept aliases and counts', () => {
  const catalog = defaultCatalog();
  const a = catalog.find({ accelerator: 'nvidia-a100-80gb', acceleratorCount: 8 });
  assert.ok(a.length > 0);
  assert.ok(a.every((o) => o.acceleratorName === 'A100-80GB' && o.acceleratorCount === 8));
  assert.deepEqual(catalog.find({ accelerator: 'no-such-gpu' }), []);
  const g4 = catalog.find({ cloud: 'aws', region: 'us-east-1', accelerator: 'Tesla-T4' });
  assert.ok(g4.some((o) => o.instanceType === 'g4dn.xlarge'));
});

test('spot prices: present below on-demand where sold, absent for Lambda and IBM', () => {
  const catalog = defaultCatalog();
  const [m6i] = catalog.find({ cloud: 'aws', region: 'us-east-1', instanceType: 'm6i.large' });
  assert.equal(m6i.price, 0.096);
  assert.ok(m6i.spotPrice !== undefined && m6i.spotPrice < m6i.price);
  assert.equal(catalog.find({ cloud: 'lambda', spot: true }).length, 0);
  assert.equal(catalog.find({ cloud: 'ibm', spot: true }).length, 0);
  for (const o of catalog.find({ spot: true })) assert.ok((o.spotPrice ?? Infinity) < o.price, `${o.cloud}/${o.instanceType}`);
});

test('region filter narrows to that region only', () => {
  const catalog = defaultCatalog();
  const rows = catalog.find({ cloud: 'gcp', region: 'europe-west4' });
  assert.ok(rows.length > 0);
  assert.ok(rows.every((o) => o.cloud === 'gcp' && o.region === 'europe-west4'));
  assert.equal(catalog.find({ cloud: 'gcp', region: 'mars-north1' }).length, 0);
  const byMin = catalog.find({ cloud: 'aws', region: 'us-west-2', minVcpus: 8, minMemoryGib: 32, accelerator: null });
  assert.ok(byMin.length > 0 && byMin.every((o) => o.vcpus >= 8 && o.memoryGib >= 32 && !o.acceleratorName));
});

// Bounds loose enough for a loaded 2-core CI machine, tight enough to catch re-parsing or an unindexed scan per lookup.
test('loads every catalog in well under a second and answers a lookup far faster than a parse', () => {
  let start = performance.now();
  const catalog = loadCatalog();
  const loadMs = performance.now() - start;
  assert.ok(loadMs < 1_000, `load took ${loadMs.toFixed(1)} ms`);
  const n = 10_000;
  start = performance.now();
  for (let i = 0; i < n; i++) catalog.find({ accelerator: 'A100', acceleratorCount: 8 });
  const perLookupUs = ((performance.now() - start) / n) * 1000;
  assert.ok(perLookupUs < Math.max(200, (loadMs * 1000) / 10), `lookup took ${perLookupUs.toFixed(1)} µs (load ${loadMs.toFixed(1)} ms)`);
});

test('a malformed catalog names the file and line', () => {
  const header = 'InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,AvailabilityZone';
  assert.throws(() => parseCatalogCsv('aws', `${header}\nx,,,2,8,abc,,r,`), /aws\.csv line 2: Price is not a number/);
  assert.throws(() => parseCatalogCsv('aws', `${header}\nx,Z999,1,2,8,1,,r,`), /unknown accelerator 'Z999'/);
  assert.throws(() => parseCatalogCsv('aws', 'InstanceType,Price\n'), /header lacks column/);
  const quoted = parseCatalogCsv('aws', `# note\n${header}\n"a,b",,,2,8,1,,r,`);
  assert.equal(quoted.offerings[0].instanceType, 'a,b');
  assert.deepEqual(quoted.comments, ['note']);
});
