import { useState } from 'react';
import type { SkyportClient } from '@skyport/client/browser';
import type { ClusterDetail, JobView } from '@skyport/contracts';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { age, autostopText, dollars, time } from '../format';
import { ClusterActions } from '../components/cluster-actions';
import { Empty, ErrorBox, PagePending, Status } from '../components/states';
import { DataTable } from '../components/data-table';

/** What the provisioner reported about a pod (the `nodes` of its cluster.up event). */
interface PodRow {
  rank?: number;
  pod?: string;
  node?: string;
  [key: string]: unknown;
}

function podPhase(clusterStatus: string): string {
  if (clusterStatus === 'UP') return 'Running';
  if (clusterStatus === 'TEARING_DOWN' || clusterStatus === 'TERMINATED') return 'Terminating';
  if (clusterStatus === 'FAILED') return 'Failed';
  return 'Pending';
}

export function ClusterPage({ client, name }: { client: SkyportClient; name: string }) {
  const [notice, setNotice] = useState<string>();
  const loaded = useLoad(async () => {
    const [detail, jobs] = await Promise.all([client.getCluster(name), client.listJobs(name).catch(() => [] as JobView[])]);
    return { detail, jobs };
  }, [client, name]);
  if (!loaded.data) return <PagePending id="cluster-title" title={name} load={loaded} what="the cluster" />;
  const { detail: c, jobs } = loaded.data;
  return (
    <section aria-labelledby="cluster-title">
      <p className="crumbs">
        <Link to="/clusters">Clusters</Link> /
      </p>
      <h1 id="cluster-title">
        {c.name} <Status value={String(c.status)} />
      </h1>
      {loaded.error !== undefined && <ErrorBox error={loaded.error} retry={loaded.reload} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <dl className="facts">
        <dt>Team</dt>
        <dd>{c.team ?? '—'}</dd>
        <dt>Owner</dt>
        <dd>{c.owner ?? '—'}</dd>
        <dt>Infra</dt>
        <dd>{c.infra ?? '—'}</dd>
        <dt>Resources</dt>
        <dd>
          {c.numNodes} node{c.numNodes === 1 ? '' : 's'} · {c.resources ?? c.instanceType ?? '—'}
        </dd>
        <dt>Age</dt>
        <dd title={c.createdAt}>{age(c.createdAt)}</dd>
        <dt>Autodown</dt>
        <dd>{autostopText(c.autostop)}</dd>
        {c.statusReason && (
          <>
            <dt>Reason</dt>
            <dd>{c.statusReason}</dd>
          </>
        )}
      </dl>
      {String(c.status) !== 'TERMINATED' && (
        <p>
          <ClusterActions client={client} name={c.name} autostop={c.autostop} onDone={(note) => { setNotice(note); loaded.reload(); }} />
        </p>
      )}
      <div className="grid2">
        <Pods detail={c} />
        <Timeline detail={c} />
      </div>
      <Considered detail={c} />
      <Jobs cluster={c.name} jobs={jobs} />
    </section>
  );
}

function Pods({ detail }: { detail: ClusterDetail }) {
  const pods = detail.nodes as PodRow[];
  return (
    <section aria-labelledby="pods-title">
      <h2 id="pods-title">Pods</h2>
      {pods.length === 0 ? (
        <Empty>No pods placed yet.</Empty>
      ) : (
        <DataTable columns={['Rank', 'Pod', 'Phase', 'Node']}>
          {pods.map((p, i) => (
            <tr key={p.pod ?? i}>
              <td>{p.rank ?? i}</td>
              <td>{p.pod ?? '—'}</td>
              <td>{podPhase(String(detail.status))}</td>
              <td>{p.node ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function Timeline({ detail }: { detail: ClusterDetail }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {detail.events.length === 0 ? (
        <Empty>No events yet.</Empty>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {detail.events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{time(e.at)}</time> <code>{e.type}</code> {e.message}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Considered({ detail }: { detail: ClusterDetail }) {
  const plan = detail.plan;
  const outcome = new Map(detail.attempts.map((a) => [a.candidateId, a]));
  return (
    <section aria-labelledby="considered-title">
      <h2 id="considered-title">Considered resources</h2>
      {!plan || plan.candidates.length === 0 ? (
        <Empty>No placement plan recorded for its launch.</Empty>
      ) : (
        <DataTable columns={['Candidate', 'Feasible', '$/hour (all nodes)', 'Attempt', 'Reason']} wide>
          {plan.candidates.map((k) => {
            const chosen = plan.chosen?.candidateId === k.candidateId;
            const attempt = outcome.get(k.candidateId);
            return (
              <tr key={k.candidateId} className={chosen ? 'chosen' : undefined}>
                <td>
                  {k.candidateId}
                  {chosen && <strong> (chosen)</strong>}
                </td>
                <td>{k.feasible ? 'yes' : 'no'}</td>
                <td>{dollars(k.totalHourlyPrice, 3)}</td>
                <td>{attempt?.outcome ?? '—'}</td>
                <td>{attempt?.reason ?? k.reason ?? ''}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}

function Jobs({ cluster, jobs }: { cluster: string; jobs: JobView[] }) {
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Job queue</h2>
      {jobs.length === 0 ? (
        <Empty>No jobs on this cluster.</Empty>
      ) : (
        <DataTable columns={['Job', 'Name', 'Status', 'Submitted', 'Started', 'Ended', 'Exit codes']}>
          {jobs.map((j) => (
            <tr key={j.jobId}>
              <th scope="row">
                <Link to={`/clusters/${encodeURIComponent(cluster)}/jobs/${j.jobId}`}>#{j.jobId}</Link>
              </th>
              <td>{j.name ?? '—'}</td>
              <td>
                <Status value={String(j.status)} />
              </td>
              <td>{time(j.submittedAt)}</td>
              <td>{time(j.startedAt)}</td>
              <td>{time(j.endedAt)}</td>
              <td>{j.exitCodes?.join(', ') ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
