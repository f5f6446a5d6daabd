import { join } from 'node:path';
import { repoRoot } from '../paths';

/**
 * Where `npm run selfhost` puts Skyport: the chart's release in its own namespace of a local real-node cluster,
 * beside (never inside) the dev stack's own database and queue.
 */
export const SELFHOST = {
  /** The local cluster (real kubelets and containerd; test/cluster/cluster.sh). */
  cluster: process.env.SKYPORT_SELFHOST_CLUSTER ?? 'selfhost',
  release: 'skyport',
  namespace: process.env.SKYPORT_SELFHOST_NAMESPACE ?? 'skyport',
  /** 127.0.0.1 port of the api's port-forward (below the ephemeral range, like the stack's ports). */
  apiPort: Number(process.env.SKYPORT_SELFHOST_API_PORT ?? 26680),
  /** The local stack's Postgres gets a database of its own, its Redis a database index of its own. */
  database: 'skyport_selfhost',
  redisDb: 3,
  /** The registry Secret pods pull the Skyport image with, and the one task pods pull with (the same credentials). */
  pullSecret: 'skyport-registry',
};

export function selfhostDir(): string {
  return process.env.SKYPORT_SELFHOST_DIR ?? join(repoRoot(), '.skyport', 'selfhost');
}

export const selfhostFiles = {
  state: () => join(selfhostDir(), 'state.json'),
  values: () => join(selfhostDir(), 'values.yaml'),
  adminToken: () => join(selfhostDir(), 'admin-token'),
  keeperConfig: () => join(selfhostDir(), 'keeper.json'),
  keeperPid: () => join(selfhostDir(), 'keeper.pid'),
  keeperLog: () => join(selfhostDir(), 'keeper.log'),
  keeperReady: () => join(selfhostDir(), 'keeper.ready'),
};
