import { useMemo } from 'react';
import type { SkyportClient } from '@skyport/client/browser';
import type { CostReportItem } from '@skyport/contracts';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { dollars } from '../format';
import { Empty, ErrorBox, PagePending } from '../components/states';
import { DataTable } from '../components/data-table';

const RUNNING = new Set(['INIT', 'PROVISIONING', 'UP', 'STOPPED', 'TEARING_DOWN']);

interface TeamCost {
  team: string;
  clusters: number;
  hourlyNow: number;
  total: number;
}

function byTeam(items: CostReportItem[]): TeamCost[] {
  const teams = new Map<string, TeamCost>();
  for (const i of items) {
    const key = i.team ?? '(no team)';
    const t = teams.get(key) ?? { team: key, clusters: 0, hourlyNow: 0, total: 0 };
    t.clusters++;
    if (RUNNING.has(i.status)) t.hourlyNow += i.hourlyPrice;
    t.total += i.totalCost;
    teams.set(key, t);
  }
  return [...teams.values()].sort((a, b) => b.total - a.total);
}

export function CostPage({ client }: { client: SkyportClient }) {
  const report = useLoad(() => client.costReport(), [client]);
  const teams = useMemo(() => byTeam(report.data?.items ?? []), [report.data]);
  if (!report.data) return <PagePending id="cost-title" title="Cost" load={report} what="the cost report" />;
  const { items, totalCost } = report.data;
  const hourlyNow = items.filter((i) => RUNNING.has(i.status)).reduce((s, i) => s + i.hourlyPrice, 0);
  return (
    <section aria-labelledby="cost-title">
      <h1 id="cost-title">Cost</h1>
      {report.error !== undefined && <ErrorBox error={report.error} retry={report.reload} />}
      <dl className="facts big">
        <dt>Now</dt>
        <dd>{dollars(hourlyNow, 3)}/hour</dd>
        <dt>Accumulated</dt>
        <dd>{dollars(totalCost, 2)}</dd>
      </dl>
      {items.length === 0 ? (
        <Empty>No clusters have run yet, so nothing has cost anything.</Empty>
      ) : (
        <>
          <section aria-labelledby="team-cost-title">
            <h2 id="team-cost-title">Per team</h2>
            <DataTable columns={['Team', 'Clusters', '$/hour now', 'Accumulated']}>
              {teams.map((t) => (
                <tr key={t.team}>
                  <th scope="row">{t.team}</th>
                  <td>{t.clusters}</td>
                  <td>{dollars(t.hourlyNow, 3)}</td>
                  <td>{dollars(t.total, 2)}</td>
                </tr>
              ))}
            </DataTable>
          </section>
          <section aria-labelledby="cluster-cost-title">
            <h2 id="cluster-cost-title">Per cluster</h2>
            <DataTable columns={['Cluster', 'Team', 'Infra', 'Status', 'Running for', '$/hour', 'Accumulated']}>
              {items.map((i) => (
                <tr key={`${i.clusterName}-${i.launchedAt}`}>
                  <th scope="row">
                    <Link to={`/clusters/${encodeURIComponent(i.clusterName)}`}>{i.clusterName}</Link>
                  </th>
                  <td>{i.team ?? '—'}</td>
                  <td>{i.infra ?? '—'}</td>
                  <td>{i.status}</td>
                  <td>{Math.round(i.durationSeconds / 60)} min</td>
                  <td>{dollars(i.hourlyPrice, 3)}</td>
                  <td>{dollars(i.totalCost, 4)}</td>
                </tr>
              ))}
            </DataTable>
          </section>
        </>
      )}
    </section>
  );
}
