import { dirname, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { uploadTaskFiles, type UploadProgress, type UploadSummary } from '@skyport/client';
import type { CliContext } from '../context/cli-context';
import { createProgress, type Progress } from '../output/progress';
import type { PreparedTask } from './task-options';

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line per upload: what was packed and what was actually sent (0 B when the server had everything). */
export function describeUpload(summary: UploadSummary): string {
  const what = summary.mounts.map((m) => `${m.target === 'workdir' ? 'workdir' : m.target} (${m.files} file${m.files === 1 ? '' : 's'})`).join(', ');
  return `Uploaded ${what}: ${size(summary.totalBytes)} packed, ${size(summary.bytesSent)} sent in ${summary.chunksSent} chunk(s), ${summary.chunksReused} chunk(s) already on the server.`;
}

/**
 * The task to send: unchanged when it names no local path; otherwise its workdir and local file_mounts are packed
 * and uploaded (relative paths against the task file's directory) and the task goes as an object whose paths are
 * `skyport-blob://` references. The server never reads a path of yours.
 */
export async function withUploadedFiles(ctx: CliContext, prepared: PreparedTask): Promise<string | Record<string, unknown>> {
  // As the task parser reads it (libs/task-spec): merge keys resolved.
  const docs = parseAllDocuments(prepared.yaml, { merge: true });
  if (docs.length !== 1 || ('errors' in docs[0] && docs[0].errors.length)) return prepared.yaml;
  const raw = docs[0].toJS() as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return prepared.yaml;
  // `--workdir DIR` replaces the task's workdir; it is uploaded like one written in the file.
  if (prepared.workdir) (raw as Record<string, unknown>).workdir = prepared.workdir;
  const baseDir = prepared.source.startsWith('<') ? process.cwd() : dirname(resolve(prepared.source));
  let progress: Progress | undefined;
  const onProgress = (p: UploadProgress) => {
    if (!ctx.interactive || p.phase === 'done') return;
    const text =
      p.phase === 'uploading' ? `Uploading files: ${size(p.bytesSent)} of ${size(p.bytesToSend)} (${size(p.totalBytes)} packed)` : p.phase === 'checking' ? `Checking which files the server has (${size(p.totalBytes)})...` : 'Packing files...';
    if (!progress) progress = createProgress(ctx, text);
    else progress.update(text);
  };
  try {
    const { task, summary } = await uploadTaskFiles(ctx.client(), raw as Record<string, unknown>, { baseDir, home: ctx.env.HOME, onProgress });
    if (summary.mounts.length === 0) {
      progress?.stop();
      return prepared.yaml;
    }
    if (progress) progress.done(describeUpload(summary));
    else ctx.err(describeUpload(summary));
    return task;
  } catch (error) {
    progress?.fail('Uploading the task files failed');
    throw error;
  }
}
