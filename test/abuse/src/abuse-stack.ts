import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type KubeClients } from '@skyport/kube';
import { testProvider } from '@skyport/kube/testing';
import { E2E_TOKEN, startE2eStack, type E2eStack } from '@skyport/e2e/dist/e2e-stack.js';

/** An answer of the api: status, parsed body (or text) and headers. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of many shapes
  body: any;
  headers: Headers;
}

/**
 * The whole running system (api, optimizer, provisioner, logs, autodown as processes, real Postgres, the local
 * Kubernetes cluster) plus what every abuse test needs: an admin, a non-admin "attacker" in a team that has a
 * namespace, a second team with its own namespace, and ways to prove nothing was written (rows, Kubernetes objects).
 */
export interface AbuseStack {
  stack: E2eStack;
  pg: Client;
  kube: KubeClients;
  /** A random suffix that keeps this run's names apart from other suites'. */
  suffix: string;
  attacker: { name: string; team: string; namespace: string; token: string; userId: string };
  victim: { team: string; namespace: string };
  /** A JSON call; the admin's token unless `token` is given (`null`: none). A string body is sent as is. */
  call: (method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }) => Promise<Answer>;
  /** Rows a refused request must not have written (requests, clusters, jobs, outbox), for one cluster name. */
  rowsFor: (clusterName: string) => Promise<number>;
  /** Kubernetes objects carrying the cluster's label, in every namespace. */
  objectsFor: (clusterName: string) => Promise<string[]>;
  stop: () => Promise<void>;
}

export async function startAbuseStack(label: string, extraEnv: Record<string, string> = {}): Promise<AbuseStack> {
  const stack = await startE2eStack(label, extraEnv);
  const pg = new Client({ connectionString: stack.env.SKYPORT_DATABASE_URL });
  await pg.connect();
  const kube = testProvider(stack.kube).forContext(stack.kube.context);
  const suffix = randomBytes(3).toString('hex');
  const call: AbuseStack['call'] = async (method, path, options = {}) => {
    const token = options.token === undefined ? E2E_TOKEN : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${stack.apiUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
  const must = async (what: string, answer: Promise<Answer>, ok = [200, 201]): Promise<Answer> => {
    const a = await answer;
    if (!ok.includes(a.status)) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
    return a;
  };
  const team = `abuse-a-${suffix}`;
  const victimTeam = `abuse-b-${suffix}`;
  for (const [t, ns] of [
    [team, team],
    [victimTeam, victimTeam],
  ]) {
    await must(`team ${t}`, call('POST', '/v1/teams', { body: { name: t } }));
    await must(`namespaces of ${t}`, call('PUT', `/v1/teams/${t}/namespaces`, { body: { namespaces: [{ context: stack.kube.context, namespace: ns }] } }));
  }
  const name = `mallory-${suffix}`;
  const user = await must('user', call('POST', '/v1/users', { body: { name, team, role: 'user' } }));
  const token = await must('token', call('POST', '/v1/tokens', { body: { user: name, name: 'abuse' } }));
  return {
    stack,
    pg,
    kube,
    suffix,
    attacker: { name, team, namespace: team, token: token.body.token as string, userId: user.body.id as string },
    victim: { team: victimTeam, namespace: victimTeam },
    call,
    rowsFor: async (clusterName) =>
      Number(
        (
          await pg.query(
            `SELECT (SELECT count(*) FROM requests WHERE cluster_name = $1) + (SELECT count(*) FROM clusters WHERE name = $1)
                  + (SELECT count(*) FROM jobs WHERE cluster_name = $1) + (SELECT count(*) FROM outbox WHERE payload->>'clusterName' = $1) AS n`,
            [clusterName],
          )
        ).rows[0].n,
      ),
    objectsFor: async (clusterName) => {
      const labelSelector = `skyport.dev/cluster=${clusterName}`;
      const [pods, services, secrets] = await Promise.all([
        kube.core.listPodForAllNamespaces({ labelSelector }),
        kube.core.listServiceForAllNamespaces({ labelSelector }),
        kube.core.listSecretForAllNamespaces({ labelSelector }),
      ]);
      return [...pods.items.map((p) => `pod/${p.metadata?.name}`), ...services.items.map((s) => `service/${s.metadata?.name}`), ...secrets.items.map((s) => `secret/${s.metadata?.name}`)];
    },
    stop: async () => {
      await pg.end().catch(() => undefined);
      for (const ns of [team, victimTeam]) await kube.core.deleteNamespace({ name: ns }).catch(() => undefined);
      await stack.stop();
    },
  };
}
