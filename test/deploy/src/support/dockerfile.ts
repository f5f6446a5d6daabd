import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';

export const DOCKERFILE = join(repoRoot(), 'deploy', 'docker', 'Dockerfile');

export interface DockerStage {
  name: string;
  from: string;
  lines: string[];
}

/** The stages of deploy/docker/Dockerfile: `FROM base AS name` and the instructions under it. */
export function dockerfileStages(): DockerStage[] {
  const stages: DockerStage[] = [];
  // Join continuation lines, drop comments.
  const text = readFileSync(DOCKERFILE, 'utf8').replace(/\\\n/g, ' ');
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[2] ?? `#${stages.length}`, from: from[1]!, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

export function dockerfileTargets(): Set<string> {
  return new Set(dockerfileStages().map((s) => s.name));
}
