import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** `READY`: the bucket exists; `DELETING`: `storage delete` asked, the provisioner's reaper removes it. */
export type StorageStatus = 'READY' | 'DELETING';

/**
 * A bucket Skyport created for a task's named storage (`file_mounts: {name, source, store: s3, mode: COPY}`).
 * Buckets Skyport did not create are never recorded (nor deleted). Bucket names are global in S3, so one row per
 * name. Written by the provisioner (which holds the S3 credentials), listed and marked for deletion by the api.
 */
@Entity({ name: 'storage' })
export class StorageEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** `s3` (the only store so far). */
  @Column({ type: 'text' })
  store!: string;

  /** What was synced into it, as the task named it after upload (`skyport-blob://…`), if anything. */
  @Column({ type: 'text', nullable: true })
  source!: string | null;

  /** False: deleted with the cluster that created it (SkyPilot's `persistent: false`). */
  @Column({ type: 'boolean', default: true })
  persistent!: boolean;

  /** The cluster whose launch created it. */
  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName!: string | null;

  @Column({ type: 'text' })
  status!: StorageStatus;

  /** The owner's team when created (null: no team); the team sees and deletes its buckets. */
  @Index('IDX_storage_team')
  @Column({ type: 'text', nullable: true })
  team!: string | null;

  /** User id of who launched the task that created it. */
  @Column({ type: 'text' })
  owner!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
