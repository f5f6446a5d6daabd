import { LogsRpc } from '@skyport/contracts';
import { grpcTlsEnv } from '@skyport/dev-stack';
import { grpcClientArgs, grpcSecurity } from '@skyport/service-kit';

export interface TailResult {
  lines: LogsRpc.LogLine[];
  eof: boolean;
  jobStatus: string;
}

/** Reads a whole `Logs.Tail` stream (following until the end of the job when `follow`). */
export async function tailAll(address: string, req: Partial<LogsRpc.TailRequest> & { clusterName: string; jobId: number }, timeoutMs = 60_000): Promise<TailResult> {
  // As the api (the only identity Logs.Tail answers), with the local stack's certificate.
  const client = new LogsRpc.LogsClient(address, ...grpcClientArgs(grpcSecurity(grpcTlsEnv('api'), 'test'), 'logs'));
  try {
    return await new Promise<TailResult>((resolve, reject) => {
      const result: TailResult = { lines: [], eof: false, jobStatus: '' };
      const call = client.tail({ afterSeq: 0, follow: true, tailLines: 0, stream: 'job', ...req }, { deadline: new Date(Date.now() + timeoutMs) });
      call.on('data', (chunk: LogsRpc.LogChunk) => {
        result.lines.push(...chunk.lines);
        if (chunk.eof) {
          result.eof = true;
          result.jobStatus = chunk.jobStatus;
        }
      });
      call.on('error', reject);
      call.on('end', () => resolve(result));
    });
  } finally {
    client.close();
  }
}
