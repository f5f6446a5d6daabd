/**
 * `GET /v1/clusters/:name/ssh` (WebSocket): a shell or one command on a cluster's node, bridged by the api to
 * the pod's exec. Query: `node` (rank, default 0), `command` (run `sh -c COMMAND` and end; absent: a login
 * shell), `tty` (1/0; default 1 for a shell, 0 for a command), `cols`, `rows`.
 *
 * Binary frames carry data, their first byte naming the channel: client → server STDIN; server → client
 * STDOUT or STDERR. Text frames are JSON control messages: client → server `{"type":"resize","cols","rows"}`;
 * server → client `{"type":"exit","code"}` (then the socket closes normally) or
 * `{"type":"error","code","message"}`.
 */
export const SSH_CHANNEL = { stdin: 0, stdout: 1, stderr: 2 } as const;

export type SshClientControl = { type: 'resize'; cols: number; rows: number };

export type SshServerControl = { type: 'exit'; code: number } | { type: 'error'; code: string; message: string };
