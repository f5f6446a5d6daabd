import type { EntityManager } from 'typeorm';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { StorageEntity } from '../entities/storage.entity';

/** Who mounts a bucket: the user's id, team (null: none) and whether they are an admin. */
export interface StorageCaller {
  userId: string;
  team: string | null;
  admin: boolean;
}

/** The admin's allow-list of buckets Skyport did not create (`ExternalBuckets` of @skyport/config). */
export interface ExternalBucketList {
  allows(bucket: string, team: string | null): boolean;
}

/** A bucket Skyport recorded, and whether it is the caller's: a team's buckets are its members' (no team: the user's). */
export async function findTeamStorage(db: EntityManager, caller: StorageCaller, name: string): Promise<{ row: StorageEntity; mine: boolean } | undefined> {
  const row = await db.findOneBy(StorageEntity, { name });
  if (!row) return undefined;
  return { row, mine: (row.team ?? `user:${row.owner}`) === (caller.team ?? `user:${caller.userId}`) };
}

/**
 * A named bucket (`{name: …}`) the caller may create or use: the caller's recorded one (its row), or one Skyport
 * has not recorded (undefined; whether it exists is for the provisioner to find). Another team's is refused.
 */
export async function checkStorageName(db: EntityManager, caller: StorageCaller, name: string, label: string): Promise<StorageEntity | undefined> {
  const found = await findTeamStorage(db, caller, name);
  if (found && !found.mine) throw otherTeams(name, label);
  return found?.row;
}

/**
 * A bucket the server's credentials may read for the caller (file_mounts COPY): one Skyport recorded for the
 * caller's team, or one it did not record that the admin's allow-list (SKYPORT_S3_EXTERNAL_BUCKETS) lets the
 * caller's team read; admins read any. Another team's recorded bucket is refused to everyone.
 */
export async function checkBucketRead(db: EntityManager, caller: StorageCaller, bucket: string, external: ExternalBucketList, label: string): Promise<StorageEntity | undefined> {
  const found = await findTeamStorage(db, caller, bucket);
  if (found) {
    if (!found.mine) throw otherTeams(bucket, label);
    return found.row;
  }
  if (caller.admin || external.allows(bucket, caller.team)) return undefined;
  throw new SkyportError(
    ErrorCode.Forbidden,
    `file_mounts '${label}': bucket '${bucket}' was not created by Skyport for ${caller.team ? `team '${caller.team}'` : 'you'} and is not allowed by this server's SKYPORT_S3_EXTERNAL_BUCKETS; an admin may add it there (Helm: storage.s3.externalBuckets)`,
    { kind: 'bucket-not-allowed', bucket, setting: 'SKYPORT_S3_EXTERNAL_BUCKETS' },
  );
}

function otherTeams(name: string, label: string): SkyportError {
  return new SkyportError(ErrorCode.Forbidden, `file_mounts '${label}': storage '${name}' belongs to another team; choose another bucket name`, { kind: 'storage-other-team', name });
}

/**
 * Who a cluster's bucket mounts act for: the request's owner when given (an exec's caller), else the cluster's.
 * An owner with no user row (a deleted user) is a user in no team, not an admin.
 */
export async function storageCallerOf(db: EntityManager, clusterName: string, requestId?: string | null): Promise<StorageCaller> {
  const rows: Array<{ owner: string | null; team: string | null; role: string | null }> = await db.query(
    `SELECT o.owner, u.team, u.role
     FROM (SELECT COALESCE((SELECT r.owner FROM requests r WHERE r.id::text = $2), (SELECT c.owner FROM clusters c WHERE c.name = $1)) AS owner) o
     LEFT JOIN users u ON u.id::text = o.owner`,
    [clusterName, requestId ?? null],
  );
  const row = rows[0];
  return { userId: row?.owner ?? '', team: row?.team ?? null, admin: row?.role === 'admin' };
}
