/** What the keeper (keeper.ts, a background process) serves while a self-hosted install is up. */
export interface KeeperConfig {
  kubeconfig: string;
  context: string;
  namespace: string;
  /** The api's pods (label selector) and their HTTP port: the 127.0.0.1 port-forward's target. */
  api: { selector: string; targetPort: number; localPort: number };
  /** TCP relays from the cluster's bridge address to this machine's loopback (the local Postgres and Redis). */
  relays: Array<{ name: string; listenHost: string; listenPort: number; targetHost: string; targetPort: number }>;
  /** Written (JSON: pid) once everything listens. */
  readyFile: string;
}
