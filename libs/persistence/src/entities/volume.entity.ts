import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A volume (`skyport volumes apply`): a PersistentVolumeClaim of the same name that the provisioner created (or,
 * `use_existing`, found) in `namespace` on `context`. Names are unique server-wide, like cluster names, so a name
 * in a task means one claim. Owned by the api; the provisioner reads it to mount volumes.
 */
@Entity({ name: 'volumes' })
export class VolumeEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** `k8s-pvc` (the only type so far). */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  context!: string;

  @Column({ type: 'text' })
  namespace!: string;

  /** The claim's size as asked (`10Gi`); null for an existing claim without one. */
  @Column({ type: 'text', nullable: true })
  size!: string | null;

  /** The same in GiB, for the team's storage quota. */
  @Column({ name: 'size_gb', type: 'double precision', nullable: true })
  sizeGb!: number | null;

  @Column({ name: 'storage_class', type: 'text', nullable: true })
  storageClass!: string | null;

  @Column({ name: 'access_mode', type: 'text' })
  accessMode!: string;

  /** An existing claim only recorded: `volumes delete` leaves it in Kubernetes. */
  @Column({ name: 'use_existing', type: 'boolean', default: false })
  useExisting!: boolean;

  /** The claim's phase when applied (`Pending`, `Bound`). */
  @Column({ type: 'text' })
  phase!: string;

  /** The owner's team when applied (null: no team); the team sees and manages its volumes. */
  @Index()
  @Column({ type: 'text', nullable: true })
  team!: string | null;

  /** User id of who applied it. */
  @Column({ type: 'text' })
  owner!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
