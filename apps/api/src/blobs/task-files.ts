import { ErrorCode, SkyportError, isUrlSource, parseBlobRef } from '@skyport/contracts';
import type { TaskSpec } from '@skyport/task-spec';

const UPLOAD_HINT = 'use the skyport CLI or libs/client, which upload it';

/**
 * The uploads a task names (`skyport-blob://` in `workdir` and `file_mounts` sources), with their mount targets.
 * Refuses every local path: the server never opens a path a user named — on the api's machine it would read the
 * control plane's own files, and the user's files are not there anyway. Bucket URLs are left as they are. A git
 * workdir is refused (not cloned in the pod: images need not have git, and pods may not reach the repository).
 */
export function uploadsOfTask(task: TaskSpec): Array<{ digest: string; target: string }> {
  const out: Array<{ digest: string; target: string }> = [];
  if (typeof task.workdir === 'string') {
    const digest = parseBlobRef(task.workdir);
    if (!digest) {
      throw new SkyportError(ErrorCode.InvalidTask, `workdir '${task.workdir}' is a path on your machine; ${UPLOAD_HINT}`, { field: 'workdir', kind: 'local-path' });
    }
    out.push({ digest, target: '~/sky_workdir' });
  } else if (task.workdir && typeof task.workdir === 'object') {
    throw new SkyportError(
      ErrorCode.InvalidTask,
      `workdir {url: ${task.workdir.url}} (a git repository) is not supported: check it out locally and set workdir to that directory (the CLI uploads it), or clone it in 'setup'`,
      { field: 'workdir', kind: 'git-workdir' },
    );
  }
  for (const mount of task.fileMounts) {
    if (mount.source === undefined) continue;
    const digest = parseBlobRef(mount.source);
    if (digest) out.push({ digest, target: mount.target });
    else if (!isUrlSource(mount.source)) {
      throw new SkyportError(ErrorCode.InvalidTask, `file_mounts source '${mount.source}' (for '${mount.target}') is a path on your machine; ${UPLOAD_HINT}`, {
        field: `file_mounts.${mount.target}`,
        kind: 'local-path',
      });
    }
  }
  return out;
}
