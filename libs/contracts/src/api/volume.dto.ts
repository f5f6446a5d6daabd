/** A volume as `GET /v1/volumes` and `skyport volumes ls` show it. */
export interface VolumeView {
  name: string;
  type: 'k8s-pvc';
  /** `kubernetes/<context>`. */
  infra: string;
  context: string;
  namespace: string;
  /** Kubernetes quantity (`10Gi`); null for an existing claim whose size is unknown. */
  size: string | null;
  sizeGb: number | null;
  storageClassName: string | null;
  accessMode: string;
  /** `use_existing: true`: Skyport records the claim and never deletes it. */
  useExisting: boolean;
  /** Declared in a task with a size: made with its cluster and deleted with it (not through `volumes delete`). */
  ephemeral: boolean;
  /** The claim's phase when it was applied (`Pending`, `Bound`). */
  phase: string;
  team: string | null;
  ownerName: string | null;
  /** Live clusters whose task mounts this volume. */
  usedBy: string[];
  createdAt: string;
}

/** `DELETE /v1/volumes/:name`. */
export interface VolumeDeleted {
  name: string;
  deleted: true;
}
