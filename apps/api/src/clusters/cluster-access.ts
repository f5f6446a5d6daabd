import type { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type ClusterStatus } from '@skyport/contracts';
import type { Principal } from '../auth/principal';
import { ownerScope } from '../auth/team-scope';

export interface AccessibleCluster {
  name: string;
  status: ClusterStatus;
  infra: string | null;
  namespace: string | null;
  numNodes: number;
}

/** The cluster if the caller may see it; "not found" otherwise, so other teams' clusters do not leak. */
export async function findAccessibleCluster(db: DataSource, principal: Principal, name: string): Promise<AccessibleCluster> {
  const params: unknown[] = [name];
  const rows: Array<{ name: string; status: ClusterStatus; infra: string | null; namespace: string | null; num_nodes: number }> = await db.query(
    `SELECT c.name, c.status, c.infra, c.namespace, c.num_nodes FROM clusters c WHERE c.name = $1 AND ${ownerScope(principal, 'c.owner', params)}`,
    params,
  );
  if (!rows[0]) throw new SkyportError(ErrorCode.NotFound, `no cluster '${name}'`, { clusterName: name });
  const r = rows[0];
  return { name: r.name, status: r.status, infra: r.infra, namespace: r.namespace, numNodes: r.num_nodes };
}
