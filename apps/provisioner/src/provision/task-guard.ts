import type { DataSource } from 'typeorm';
import { placementOf } from '@skyport/contracts';
import { checkTaskPolicy, resolveTaskPolicy, taskPolicyError, type SkyportConfig, type TaskPolicy, type TaskPolicyConfig } from '@skyport/config';
import type { TaskSpec } from '@skyport/task-spec';

/** The owner as the api knew it: admins (and every caller of an api with auth off, `anonymous`) are trusted. */
interface Owner {
  role: string | null;
  team: string | null;
}

async function ownerOf(db: DataSource, owner: string): Promise<Owner> {
  if (owner === 'anonymous') return { role: 'admin', team: null };
  const rows: Array<{ role: string; team: string | null }> = await db.query('SELECT role, team FROM users WHERE id::text = $1', [owner]);
  return rows[0] ?? { role: null, team: null };
}

export async function teamPolicy(db: DataSource, team: string | null): Promise<TaskPolicyConfig | undefined> {
  if (!team) return undefined;
  const rows: Array<{ policy: TaskPolicyConfig }> = await db.query('SELECT policy FROM team_policies WHERE team = $1', [team]);
  return rows[0]?.policy;
}

/**
 * Defence in depth: the api checked the task against the admin's policy before writing the request, and this
 * checks it again here, so a hand-made queue payload or request row cannot put a privileged pod on a node. The
 * same rules (libs/config), the owner's team policy over the config file's; an owner the api would not trust
 * (any non-admin, or one it does not know) is checked. Returns the policy in force for the pod's defaults.
 */
export async function guardTask(db: DataSource, config: SkyportConfig, request: { owner: string; payload: unknown }, task: TaskSpec): Promise<TaskPolicy> {
  const owner = request.owner;
  const who = await ownerOf(db, owner);
  const policy = resolveTaskPolicy(config.policy, await teamPolicy(db, who.team));
  if (who.role === 'admin') return policy;
  const kubernetes = (task.config.raw as { kubernetes?: Record<string, unknown> } | undefined)?.kubernetes ?? task.config.kubernetes;
  const violations = checkTaskPolicy({ kubernetes, numNodes: task.numNodes, ownNamespaces: teamNamespacesIn(request.payload) }, policy);
  if (violations.length > 0) throw taskPolicyError(violations);
  return policy;
}

function teamNamespacesIn(payload: unknown): string[] {
  return placementOf(payload)?.namespaces.map((n) => n.namespace) ?? [];
}
