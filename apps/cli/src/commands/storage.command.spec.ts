import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StorageView } from '@skyport/contracts';
import { renderStorage } from './storage.command';

describe('skyport storage ls', () => {
  const colors = { green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s, cyan: (s: string) => s } as never;
  const item: StorageView = { name: 'ckpt', store: 's3', status: 'READY', persistent: false, clusterName: 'train', team: 'ml', ownerName: 'ann', usedBy: ['train'], createdAt: new Date(0).toISOString() };

  it('shows each bucket with its store, status, persistence and the clusters using it', () => {
    const [head, row] = renderStorage([item], { colors }, 60_000).split('\n');
    assert.match(head!, /NAME\s+STORE\s+STATUS\s+PERSISTENT\s+CREATED BY\s+USED BY\s+OWNER\s+CREATED/);
    assert.match(row!, /ckpt\s+S3\s+READY\s+no\s+train\s+train\s+ann/);
  });

  it('says how a bucket comes to exist when there is none', () => {
    assert.match(renderStorage([], { colors }), /file_mounts: \{\/dst: \{name: BUCKET, source: \.\/dir, store: s3, mode: COPY\}\}/);
  });
});
