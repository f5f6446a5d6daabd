import { SkyportError, TERMINAL_CLUSTER_STATUSES, type ClusterSummary } from '@skyport/contracts';
import { isClusterGlob, matchClusterNames } from '../args/cluster-globs';
import type { CliContext } from '../context/cli-context';

export interface ListScope {
  /** `-u/--all-users`: every cluster the api lets the caller see (an admin: everyone's), not only their own. */
  allUsers?: boolean;
  /** Terminated clusters too (`status -a`). */
  includeEnded?: boolean;
}

/** The caller's user name, or undefined when the api cannot say (then nothing is filtered out). */
async function callerName(ctx: CliContext): Promise<string | undefined> {
  try {
    return (await ctx.client().whoami()).name;
  } catch (error) {
    if (error instanceof SkyportError) return undefined;
    throw error;
  }
}

/**
 * The clusters a listing shows, as `sky status` does: your own by default, everyone's the api lets you see with
 * `-u` (the api decides who may see what: an admin sees every user's, a member their team's).
 */
export async function listScopedClusters(ctx: CliContext, scope: ListScope): Promise<ClusterSummary[]> {
  const all = await ctx.client().listClusters({ all: scope.includeEnded });
  if (scope.allUsers) return all;
  const me = await callerName(ctx);
  return me === undefined ? all : all.filter((c) => c.owner === me);
}

/**
 * Cluster name arguments with the patterns (`'dev-*'`) expanded against the listing (your own live clusters, or
 * with `-u` everyone's you may see), plain names kept as typed; `unmatched` lists the patterns that matched none.
 */
export async function expandClusterArgs(ctx: CliContext, args: readonly string[], scope: ListScope = {}): Promise<{ names: string[]; unmatched: string[] }> {
  const patterns = args.filter(isClusterGlob);
  if (patterns.length === 0) return { names: [...args], unmatched: [] };
  const listed = (await listScopedClusters(ctx, scope)).filter((c) => scope.includeEnded || !TERMINAL_CLUSTER_STATUSES.has(c.status)).map((c) => c.name);
  const names: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    const found = isClusterGlob(arg) ? matchClusterNames([arg], listed) : [arg];
    if (found.length === 0) unmatched.push(arg);
    for (const name of found) if (!names.includes(name)) names.push(name);
  }
  return { names, unmatched };
}
