/** `GET /v1/storage`: a bucket Skyport created for a task's named storage (SkyPilot's `sky storage ls`). */
export interface StorageView {
  name: string;
  /** `s3`. */
  store: string;
  /** `READY`, or `DELETING` after `storage delete` until the provisioner removed the bucket. */
  status: string;
  /** False: deleted with the cluster that created it. */
  persistent: boolean;
  /** The cluster whose launch created it. */
  clusterName: string | null;
  team: string | null;
  ownerName: string | null;
  /** Live clusters whose task mounts it. */
  usedBy: string[];
  createdAt: string;
}

/** `DELETE /v1/storage/:name`: accepted; the provisioner empties and deletes the bucket shortly. */
export interface StorageDeleted {
  name: string;
  status: 'DELETING';
}
