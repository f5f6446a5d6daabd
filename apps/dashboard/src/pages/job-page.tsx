import type { SkyportClient } from '@skyport/client/browser';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { time } from '../format';
import { LogView } from '../components/log-view';
import { ErrorBox, Loading, Status } from '../components/states';

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'FAILED_SETUP', 'FAILED_DRIVER', 'CANCELLED']);

export function JobPage({ client, cluster, jobId }: { client: SkyportClient; cluster: string; jobId: number }) {
  const job = useLoad(async () => {
    const jobs = await client.listJobs(cluster);
    const found = jobs.find((j) => j.jobId === jobId);
    if (!found) throw new Error(`cluster ${cluster} has no job ${jobId}`);
    return found;
  }, [client, cluster, jobId]);
  const j = job.data;
  // Follow the log while the job runs; once it is over, read it once (the stream then ends by itself).
  const live = !j || !FINISHED.has(String(j.status));
  return (
    <section aria-labelledby="job-title">
      <p className="crumbs">
        <Link to="/clusters">Clusters</Link> / <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link> /
      </p>
      <h1 id="job-title">
        Job {jobId} {j?.name ? `(${j.name})` : ''} {j && <Status value={String(j.status)} />}
      </h1>
      {job.error !== undefined && <ErrorBox error={job.error} retry={job.reload} />}
      {!j && job.loading && <Loading what="the job" />}
      {j && (
        <dl className="facts">
          <dt>Submitted</dt>
          <dd>{time(j.submittedAt)}</dd>
          <dt>Started</dt>
          <dd>{time(j.startedAt)}</dd>
          <dt>Ended</dt>
          <dd>{time(j.endedAt)}</dd>
          <dt>Exit codes</dt>
          <dd>
            {j.exitCodes?.length
              ? j.exitCodes.map((code, rank) => (
                  <span key={rank} className="exit">
                    node {rank}: <strong>{code}</strong>
                  </span>
                ))
              : '—'}
          </dd>
        </dl>
      )}
      {j && <LogView client={client} cluster={cluster} jobId={jobId} live={live} />}
    </section>
  );
}
