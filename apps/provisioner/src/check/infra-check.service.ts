import { resolveKubernetesSettings, type SkyportConfig } from '@skyport/config';
import { isSkyportError, type ProvisionerRpc } from '@skyport/contracts';
import { accessResourceName, reviewAccess, type KubeClientProvider } from '@skyport/kube';
import { cloudStatuses, type CloudStatusInputs } from './cloud-status';
import { REQUIRED_PERMISSIONS } from './required-permissions';

/** A context that does not answer must not hold `skyport check` up for long. */
const CONTEXT_TIMEOUT_MS = 8_000;

export interface InfraCheckDeps {
  kube: KubeClientProvider;
  config: SkyportConfig;
  /** The catalog's clouds, to say of each whether Skyport can launch there. */
  clouds: readonly string[];
  cloud: CloudStatusInputs;
}

/**
 * Answers `Provisioner.Check` where the credentials are: for each allowed context, whether its API server answers
 * and, asked with the context's own credentials, every permission Skyport needs in the namespace launches use.
 */
export class InfraCheckService {
  constructor(private readonly deps: InfraCheckDeps) {}

  async check(contexts: readonly string[]): Promise<ProvisionerRpc.CheckResponse> {
    const wanted = contexts.length > 0 ? contexts : this.deps.kube.contexts();
    return {
      contexts: await Promise.all(wanted.map((c) => this.checkContext(c))),
      clouds: cloudStatuses(this.deps.clouds, this.deps.cloud),
    };
  }

  private async checkContext(context: string): Promise<ProvisionerRpc.ContextPermissions> {
    let namespace = '';
    try {
      const clients = this.deps.kube.forContext(context);
      namespace = resolveKubernetesSettings({ config: this.deps.config, context }).namespace ?? clients.context.namespace;
      const questions = REQUIRED_PERMISSIONS.map((p) => ({ ...p, namespace: p.scope === 'namespace' ? namespace : undefined }));
      const answers = await withTimeout(reviewAccess(clients, questions), CONTEXT_TIMEOUT_MS, `the API server of '${context}' did not answer within ${CONTEXT_TIMEOUT_MS / 1000} s`);
      return {
        context,
        namespace,
        reachable: true,
        error: '',
        permissions: answers.map((a, i) => ({
          verb: a.verb,
          resource: accessResourceName(a),
          namespace: a.namespace ?? '',
          allowed: a.allowed,
          reason: a.reason,
          neededFor: questions[i].neededFor,
        })),
      };
    } catch (error) {
      return { context, namespace, reachable: false, error: isSkyportError(error) ? error.userMessage : (error as Error).message, permissions: [] };
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
