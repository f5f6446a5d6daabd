/**
 * A launch that is one task of a managed job group (SkyPilot's `execution: parallel`): its pods are named
 * `<task>-<rank>.<group>` in cluster DNS, as SkyPilot names a group's hosts. Written by the api into
 * `requests.payload.jobGroup`; the provisioner sets the pods' hostname/subdomain and keeps one headless Service
 * named after the group. Both names are already the DNS forms (lowercase; see jobGroupDnsProblems).
 */
export interface JobGroupLaunch {
  /** The group's name, lowercased: the headless Service's name and the pods' subdomain. */
  name: string;
  /** The task's name, lowercased: node `rank` of it is host `<task>-<rank>`. */
  task: string;
  /** The managed job running the group: the pods' `skyport.dev/job-group` label, which the Service selects. */
  managedJobId: number;
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// A Service's name is stricter than a pod's hostname (a DNS-1035 label): it must start with a letter.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** One name of a job group that cannot be a DNS name. */
export interface JobGroupNameProblem {
  /** `name` of the header, or `tasks[i].name`. */
  field: string;
  value: string;
  message: string;
}

/**
 * What keeps a group's names from being cluster DNS names: the group name must be a DNS-1035 label (the
 * Service's name), each `<task>-<rank>` (rank up to the task's num_nodes - 1) a DNS-1123 label. Capitals are
 * allowed and lowercased (DNS is case-insensitive); two tasks equal but for case would be one host.
 */
export function jobGroupDnsProblems(group: string, tasks: Array<{ name: string; numNodes: number }>): JobGroupNameProblem[] {
  const problems: JobGroupNameProblem[] = [];
  const lower = group.toLowerCase();
  if (lower.length > 63 || !DNS_1035_LABEL.test(lower)) {
    problems.push({
      field: 'name',
      value: group,
      message: `the job group's name '${group}' must be a DNS label, its tasks' host names are '<task>-<node>.${group}': at most 63 letters, digits and '-', starting with a letter and ending with a letter or digit`,
    });
  }
  const seen = new Map<string, string>();
  tasks.forEach(({ name, numNodes }, i) => {
    const host = `${name.toLowerCase()}-${Math.max(0, numNodes - 1)}`;
    if (host.length > 63 || !DNS_1123_LABEL.test(host)) {
      problems.push({
        field: `tasks[${i}].name`,
        value: name,
        message: `task name '${name}' must make DNS labels '<task>-<node>' (here '${host}' for its last node): letters, digits and '-', starting and ending with a letter or digit, at most 63 characters with the node number`,
      });
    }
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      problems.push({ field: `tasks[${i}].name`, value: name, message: `task name '${name}' is the same host name as task '${other}' (DNS names ignore case)` });
    }
    seen.set(name.toLowerCase(), name);
  });
  return problems;
}

/** The payload's `jobGroup`, when it is well formed (a request written before it existed has none). */
export function jobGroupLaunchOf(payload: unknown): JobGroupLaunch | undefined {
  const g = (payload as { jobGroup?: Partial<JobGroupLaunch> } | null)?.jobGroup;
  if (!g || typeof g.name !== 'string' || typeof g.task !== 'string' || typeof g.managedJobId !== 'number') return undefined;
  return { name: g.name, task: g.task, managedJobId: g.managedJobId };
}
