import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Limits on what a team's live clusters may hold at once; a null limit is no limit. Owned by the api. */
@Entity({ name: 'team_quotas' })
export class TeamQuotaEntity {
  @PrimaryColumn({ type: 'text' })
  team!: string;

  @Column({ name: 'max_cpus', type: 'double precision', nullable: true })
  maxCpus!: number | null;

  @Column({ name: 'max_memory_gb', type: 'double precision', nullable: true })
  maxMemoryGb!: number | null;

  /** GPUs by accelerator name (`{"A100": 8}`); the key `*` limits all GPUs together. */
  @Column({ name: 'max_gpus', type: 'jsonb', nullable: true })
  maxGpus!: Record<string, number> | null;

  @Column({ name: 'max_clusters', type: 'integer', nullable: true })
  maxClusters!: number | null;

  /** GiB of volumes the team may hold at once (`skyport volumes apply`). */
  @Column({ name: 'max_storage_gb', type: 'double precision', nullable: true })
  maxStorageGb!: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
