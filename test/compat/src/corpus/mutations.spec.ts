import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAllowList } from '../allow-list';
import { generateMutations } from './mutations';

describe('the generated corpus', () => {
  it('is deterministic, a few hundred files, with unique ids', () => {
    const a = generateMutations();
    const b = generateMutations();
    assert.deepEqual(a, b);
    assert.ok(a.length >= 200 && a.length <= 600, `${a.length} mutations`);
    assert.equal(new Set(a.map((m) => m.id)).size, a.length);
    for (const m of a) assert.match(m.id, /^[a-z_-]+\/[A-Za-z0-9._+-]+$/, m.id);
  });
  it('covers every family issue 20 names', () => {
    const families = new Set(generateMutations().map((m) => m.id.split('/')[0]));
    for (const f of ['accelerators', 'memory', 'disk_size', 'empty-keys', 'ports', 'infra', 'priority', 'volumes', 'pipeline', 'unknown-keys', 'recovery', 'service', 'docker-login', 'legacy-cloud', 'tpu', 'labels', 'name']) {
      assert.ok(families.has(f), `no '${f}' mutations`);
    }
  });
  it('the allow-list gives every entry a reason', () => {
    const allow = readAllowList();
    assert.ok(allow.size > 0);
    for (const [id, entry] of allow) assert.ok(entry.reason.length > 20, `${id}: reason too short`);
  });
});
