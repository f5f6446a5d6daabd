import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, SkyportError } from '@skyport/contracts';

/** A context whose user authenticates with an exec credential plugin that is not installed here. */
export interface MissingCredentialPlugin {
  context: string;
  user: string;
  command: string;
  message: string;
}

/**
 * The contexts (all, or the named ones) whose user runs an exec credential plugin (`users[].user.exec.command`,
 * e.g. `aws`, `gke-gcloud-auth-plugin`, `kubelogin`) that cannot be run here: client-node would spawn it on every
 * request and fail with a bare ENOENT. Skyport's image ships no cloud CLIs, so a kubeconfig for a container must
 * carry a token or a client certificate instead.
 */
export function missingCredentialPlugins(kc: KubeConfig, contexts?: readonly string[], env: NodeJS.ProcessEnv = process.env): MissingCredentialPlugin[] {
  const out: MissingCredentialPlugin[] = [];
  for (const ctx of kc.getContexts()) {
    if (contexts && !contexts.includes(ctx.name)) continue;
    const user = kc.getUser(ctx.user);
    const exec = (user as { exec?: { command?: unknown; env?: Array<{ name: string; value: string }> } } | null)?.exec;
    const command = typeof exec?.command === 'string' ? exec.command : undefined;
    if (!command) continue;
    const path = exec?.env?.find((e) => e.name === 'PATH')?.value ?? env.PATH ?? '';
    if (canRun(command, path)) continue;
    out.push({
      context: ctx.name,
      user: ctx.user,
      command,
      message:
        `Kubernetes context "${ctx.name}" authenticates with the exec credential plugin "${command}" (user "${ctx.user}"), ` +
        'which is not installed here, so Skyport cannot reach that context. Give Skyport a kubeconfig whose user has ' +
        'a token or a client certificate (e.g. a ServiceAccount token of that cluster), or run an image that includes ' +
        `"${command}".`,
    });
  }
  return out;
}

/** The error for using such a context: the same message, typed, no stack trace for the user. */
export function missingCredentialPluginError(missing: MissingCredentialPlugin): SkyportError {
  return new SkyportError(ErrorCode.KubernetesUnavailable, missing.message, { context: missing.context, command: missing.command });
}

/** Whether `command` resolves to an executable file: a path as given, a bare name through PATH (as spawn does). */
function canRun(command: string, path: string): boolean {
  if (command.includes('/')) return isExecutable(isAbsolute(command) ? command : join(process.cwd(), command));
  return path.split(delimiter).some((dir) => dir.length > 0 && isExecutable(join(dir, command)));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
