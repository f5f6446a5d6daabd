import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../auth/principal';
import { eventVisibility } from './event-feed.service';

const user = (team: string | null): Principal => ({ userId: 'u1', name: 'ann', role: 'user', kind: 'user', team, tokenId: 't1' });

describe('event visibility: the cluster decides, whoever acted', () => {
  it('admins see every event', () => {
    const params: unknown[] = [];
    assert.equal(eventVisibility({ ...user('default'), role: 'admin' }, params), 'TRUE');
    assert.deepEqual(params, []);
  });

  it("a user sees events by their cluster's owner first, their request's owner only without a cluster row", () => {
    const params: unknown[] = ['0', 500];
    const sql = eventVisibility(user('ml'), params).replace(/\s+/g, ' ');
    assert.deepEqual(params, ['0', 500, 'u1', 'ml']);
    const cluster = sql.indexOf('FROM clusters c WHERE c.name = e.cluster_name');
    const request = sql.indexOf('FROM requests r WHERE r.id = e.request_id');
    assert.ok(cluster > 0 && request > cluster, sql);
    assert.match(sql, /^COALESCE\(/);
    assert.match(sql, /FALSE\)$/);
  });

  it('a user without a team sees only what they own', () => {
    const params: unknown[] = [];
    const sql = eventVisibility(user(null), params);
    assert.deepEqual(params, ['u1']);
    assert.ok(!sql.includes('users u'));
  });
});
