import type { SkyportClient } from '@skyport/client/browser';
import type { ClusterSummary, PrincipalView, QueueEntryView, TeamView } from '@skyport/contracts';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { age } from '../format';
import { Empty, ErrorBox, PagePending } from '../components/states';
import { DataTable } from '../components/data-table';

const LIVE = new Set(['INIT', 'PROVISIONING', 'UP', 'STOPPED', 'TEARING_DOWN']);

function demandText(d: QueueEntryView['demand']): string {
  const gpus = Object.entries(d.gpus).map(([k, v]) => `${v}× ${k}`);
  return [`${d.cpus} CPU`, `${d.memoryGb} GB`, ...gpus].join(', ');
}

export function QueuePage({ client, me }: { client: SkyportClient; me: PrincipalView }) {
  const queue = useLoad(async () => {
    const [entries, teams, clusters] = await Promise.all([
      client.queue(),
      me.role === 'admin' ? client.listTeams() : me.team ? client.getTeam(me.team).then((t) => [t]) : Promise.resolve([] as TeamView[]),
      client.listClusters(),
    ]);
    return { entries, teams, clusters };
  }, [client, me]);
  if (!queue.data) return <PagePending id="queue-title" title="Queue" load={queue} what="the queue" />;
  const { entries, teams, clusters } = queue.data;
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Queue</h1>
      {queue.error !== undefined && <ErrorBox error={queue.error} retry={queue.reload} />}
      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title">Waiting launches</h2>
        {entries.length === 0 ? (
          <Empty>Nothing is waiting: every launch fits its team’s quota.</Empty>
        ) : (
          <DataTable columns={['Position', 'Cluster', 'Team', 'Priority', 'Asks for', 'Waiting', 'Reason']}>
            {entries.map((e) => (
              <tr key={e.requestId}>
                <td>{e.position}</td>
                <th scope="row">
                  <Link to={`/clusters/${encodeURIComponent(e.clusterName)}`}>{e.clusterName}</Link>
                </th>
                <td>{e.team}</td>
                <td>{e.priority}</td>
                <td>{demandText(e.demand)}</td>
                <td>{age(e.enqueuedAt)}</td>
                <td>{e.reason ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="quota-title">
        <h2 id="quota-title">Team quotas</h2>
        {teams.length === 0 ? <Empty>No teams to show.</Empty> : <QuotaTable teams={teams} clusters={clusters} />}
      </section>
    </section>
  );
}

function QuotaTable({ teams, clusters }: { teams: TeamView[]; clusters: ClusterSummary[] }) {
  const live = (team: string): number => clusters.filter((c) => c.team === team && LIVE.has(String(c.status))).length;
  const limit = (n: number | null | undefined): string => (n === null || n === undefined ? 'no limit' : String(n));
  return (
    <DataTable columns={['Team', 'Live clusters / max', 'Max CPUs', 'Max memory (GB)', 'Max GPUs', 'Waiting']}>
      {teams.map((t) => (
        <tr key={t.name}>
          <th scope="row">{t.name}</th>
          <td>
            {live(t.name)} / {limit(t.quota?.maxClusters)}
          </td>
          <td>{limit(t.quota?.maxCpus)}</td>
          <td>{limit(t.quota?.maxMemoryGb)}</td>
          <td>{t.quota?.maxGpus ? Object.entries(t.quota.maxGpus).map(([k, v]) => `${k}: ${v}`).join(', ') : 'no limit'}</td>
          <td>{clusters.filter((c) => c.team === t.name && c.queued).length}</td>
        </tr>
      ))}
    </DataTable>
  );
}
