import { z } from 'zod';

/** The server setting that lets teams read buckets Skyport did not create (api and provisioner read the same list). */
export const EXTERNAL_BUCKETS_ENV = 'SKYPORT_S3_EXTERNAL_BUCKETS';

/** One entry of the list: `pattern` (every team) or `team=pattern` (that team only); `*` matches any characters. */
export interface ExternalBucketRule {
  team?: string;
  pattern: string;
}

// S3 bucket names are lower-case letters, digits, '.' and '-'; a pattern adds '*'.
const PATTERN = /^[a-z0-9.*-]+$/;
const TEAM = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The entries of SKYPORT_S3_EXTERNAL_BUCKETS; a bad entry is named, with what an entry looks like. */
export function parseExternalBuckets(raw: string | undefined): { rules: ExternalBucketRule[]; problems: string[] } {
  const rules: ExternalBucketRule[] = [];
  const problems: string[] = [];
  for (const entry of (raw ?? '').split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const team = eq < 0 ? undefined : entry.slice(0, eq).trim();
    const pattern = (eq < 0 ? entry : entry.slice(eq + 1)).trim();
    if (team !== undefined && !TEAM.test(team)) problems.push(`'${entry}': '${team}' is not a team name`);
    else if (!PATTERN.test(pattern)) problems.push(`'${entry}': '${pattern}' is not a bucket name or pattern (a-z, 0-9, '.', '-', '*' as a wildcard)`);
    else rules.push(team === undefined ? { pattern } : { team, pattern });
  }
  return { rules, problems };
}

/**
 * The allow-list of buckets Skyport did not create: teams may read (COPY) them with the server's credentials.
 * A team-scoped entry counts only for that team's callers; a user in no team gets only the unscoped entries.
 */
export class ExternalBuckets {
  private readonly tests: Array<{ team?: string; re: RegExp }>;

  constructor(readonly rules: readonly ExternalBucketRule[] = []) {
    this.tests = rules.map((r) => ({ team: r.team, re: new RegExp(`^${r.pattern.split('*').map(escapeRegExp).join('.*')}$`) }));
  }

  allows(bucket: string, team: string | null): boolean {
    return this.tests.some((t) => (t.team === undefined || t.team === team) && t.re.test(bucket));
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Spread into a service's config schema (the api's and the provisioner's): SKYPORT_S3_EXTERNAL_BUCKETS, parsed once. */
export const externalBucketsConfigShape = {
  /**
   * Buckets Skyport did not create that tasks may read (file_mounts COPY) with the server's S3 credentials,
   * comma-separated: `pattern` for every team or `team=pattern` for one, `*` a wildcard. Unset: none (admins only).
   */
  SKYPORT_S3_EXTERNAL_BUCKETS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const { rules, problems } = parseExternalBuckets(raw);
      for (const p of problems) ctx.addIssue({ code: 'custom', message: `${p}; entries are 'pattern' or 'team=pattern', comma-separated` });
      return new ExternalBuckets(rules);
    }),
};
