import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type StorageDeleted, type StorageList } from '@skyport/contracts';
import type { Principal } from '../auth/principal';
import { visibleStorage } from './storage-rows.query';

/**
 * Buckets Skyport created for named storage (SkyPilot's `sky storage ls|delete`), team-scoped like clusters. The
 * provisioner holds the S3 credentials: a delete here marks the bucket DELETING and its reaper removes it.
 */
@Injectable()
export class StorageService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async list(caller: Principal): Promise<StorageList> {
    return { items: await visibleStorage(this.db.manager, caller) };
  }

  async delete(caller: Principal, name: string): Promise<StorageDeleted> {
    return this.db.transaction(async (tx) => {
      // Locks the row so a concurrent delete or a launch's check sees one answer.
      const [row] = await visibleStorage(tx, caller, name);
      if (!row) throw new SkyportError(ErrorCode.NotFound, `no storage '${name}' (skyport storage ls lists yours)`, { name });
      await tx.query(`SELECT 1 FROM storage WHERE name = $1 FOR UPDATE`, [name]);
      if (row.usedBy.length > 0) {
        throw new SkyportError(ErrorCode.Conflict, `storage '${name}' is used by ${row.usedBy.map((c) => `'${c}'`).join(', ')}; take those clusters down first (skyport down ${row.usedBy.join(' ')})`, {
          name,
          usedBy: row.usedBy,
        });
      }
      await tx.query(`UPDATE storage SET status = 'DELETING' WHERE name = $1`, [name]);
      return { name, status: 'DELETING' as const };
    });
  }
}
