import type { CloudInstanceEntity } from '@skyport/persistence';
import { inNodeHome, openExecSession, type ExecSession, type ExecSessionOptions, type ExecTarget } from '@skyport/kube';
import type { VmConnection, VmSshAccess } from '@skyport/ssh';

/**
 * Where an ssh session runs: a pod (Kubernetes exec) or a cloud VM (SSH). The gateway bridges either the same
 * way; `release` frees what the session held once it ends.
 */
export interface NodeShell {
  open(argv: string[], io: ExecSessionOptions): Promise<ExecSession>;
  release(): void;
}

/** A pod: the session starts in the container user's home (where `~/sky_workdir` is), as `ssh` would. */
export function podShell(target: ExecTarget): NodeShell {
  return { open: (argv, io) => openExecSession(target, inNodeHome(argv), io), release: () => undefined };
}

/** A VM node: one SSH connection per session, opened when the session starts and closed when it ends. */
export function vmShell(access: VmSshAccess, vm: CloudInstanceEntity): NodeShell {
  let conn: VmConnection | undefined;
  let released = false;
  return {
    open: async (argv, io) => {
      conn = await access.connect(vm);
      if (released) conn.close();
      return await conn.openSession(argv, io);
    },
    release: () => {
      released = true;
      conn?.close();
    },
  };
}
