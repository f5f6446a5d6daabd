import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSsh, type SkyportClient } from '@skyport/client';

/** A writable that keeps what it is given, as text. */
export function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
  return { stream, text: () => text };
}

/** Open `ssh_sessions` rows of a cluster (a shell's only, or all). */
export type OpenSessionCount = (mode?: 'shell') => Promise<number>;

/**
 * Drives `skyport ssh c` as a person would, whatever the node is (pod or VM): a terminal answers, it is resized,
 * the session is recorded while open (autodown keeps the cluster) and closed with the shell's exit code.
 */
export async function checkInteractiveShell(target: { endpoint: string; token: string; cluster: string }, openSessions: OpenSessionCount): Promise<void> {
  const out = sink();
  const session = await openSsh({ ...target, cols: 100, rows: 30 }, { stdout: out.stream });
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 100 && !re.test(out.text()); i++) await sleep(100);
    assert.match(out.text(), re);
  };
  session.write('echo $((6*7)); tty\n');
  await waitFor(/42/);
  await waitFor(/\/dev\/pts\//);
  assert.equal(await openSessions('shell'), 1, 'an open session keeps the cluster busy for autodown');
  session.resize(120, 40);
  session.write('stty size\n');
  await waitFor(/40 120/);
  session.write('exit 5\n');
  assert.equal(await session.exit, 5);
  for (let i = 0; i < 20 && (await openSessions()) > 0; i++) await sleep(100);
  assert.equal(await openSessions(), 0);
}

/** `skyport logs c N --follow`: every line until the stream ends, and how it ended. */
export async function followJobLog(client: SkyportClient, cluster: string, jobId: number): Promise<{ lines: string[]; end: unknown }> {
  const lines: string[] = [];
  const stream = client.jobLogs(cluster, jobId, { follow: true });
  let next = await stream.next();
  while (!next.done) {
    lines.push(next.value.line);
    next = await stream.next();
  }
  return { lines, end: next.value };
}
