import { useMemo, useState } from 'react';
import type { SkyportClient } from '@skyport/client/browser';
import type { ClusterSummary, EndpointsView, PrincipalView } from '@skyport/contracts';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { age, autostopText } from '../format';
import { ClusterActions } from '../components/cluster-actions';
import { Empty, ErrorBox, Loading, Status } from '../components/states';
import { DataTable } from '../components/data-table';

interface Row extends ClusterSummary {
  endpoints?: EndpointsView;
}

async function loadClusters(client: SkyportClient, all: boolean): Promise<Row[]> {
  const clusters: Row[] = await client.listClusters({ all });
  // Endpoints only exist once a cluster is up; ask for those (a few at a time is plenty for a page).
  await Promise.all(
    clusters
      .filter((c) => String(c.status) === 'UP')
      .slice(0, 50)
      .map(async (c) => {
        c.endpoints = await client.getEndpoints(c.name).catch(() => undefined);
      }),
  );
  return clusters;
}

export function ClustersPage({ client, me }: { client: SkyportClient; me: PrincipalView }) {
  const [all, setAll] = useState(false);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [notice, setNotice] = useState<string>();
  const clusters = useLoad(() => loadClusters(client, all), [client, all]);
  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (clusters.data ?? []).filter(
      (c) => (!status || String(c.status) === status) && (!needle || [c.name, c.team ?? '', c.owner ?? '', c.infra ?? '', c.resources ?? ''].some((v) => v.toLowerCase().includes(needle))),
    );
  }, [clusters.data, search, status]);
  const statuses = useMemo(() => [...new Set((clusters.data ?? []).map((c) => String(c.status)))].sort(), [clusters.data]);
  return (
    <section aria-labelledby="clusters-title">
      <h1 id="clusters-title">Clusters</h1>
      <p className="muted">{me.role === 'admin' ? 'Every team’s clusters (you are an admin).' : `Clusters of team ${me.team ?? '—'}.`}</p>
      <div className="toolbar" role="search">
        <label>
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="name, team, infra…" />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {statuses.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Include terminated
        </label>
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {clusters.error !== undefined && <ErrorBox error={clusters.error} retry={clusters.reload} />}
      {!clusters.data && clusters.loading && <Loading what="clusters" />}
      {clusters.data && rows.length === 0 && (
        <Empty>{clusters.data.length === 0 ? 'No clusters yet. Launch one with `skyport launch -c NAME task.yaml`.' : 'No cluster matches the filter.'}</Empty>
      )}
      {rows.length > 0 && (
        <DataTable columns={['Name', 'Team', 'Infra', 'Resources', 'Status', 'Age', 'Autodown', 'Endpoints', 'Actions']} caption="Clusters" wide>
          {rows.map((c) => (
            <tr key={c.name} data-testid={`cluster-row-${c.name}`}>
              <th scope="row">
                <Link to={`/clusters/${encodeURIComponent(c.name)}`}>{c.name}</Link>
              </th>
              <td>{c.team ?? '—'}</td>
              <td>{c.infra ?? (c.queued ? `queued #${c.queued.position}` : '—')}</td>
              <td>
                {c.numNodes > 1 ? `${c.numNodes}× ` : ''}
                {c.resources ?? c.instanceType ?? '—'}
              </td>
              <td>
                <Status value={String(c.status)} />
                {c.statusReason && <div className="reason">{c.statusReason}</div>}
              </td>
              <td title={c.createdAt}>{age(c.createdAt)}</td>
              <td>{autostopText(c.autostop)}</td>
              <td>
                {c.endpoints && Object.keys(c.endpoints).length > 0
                  ? Object.entries(c.endpoints).map(([port, url]) => (
                      <a key={port} href={url} target="_blank" rel="noreferrer" className="endpoint">
                        :{port}
                      </a>
                    ))
                  : '—'}
              </td>
              <td>
                {!['TERMINATED'].includes(String(c.status)) && (
                  <ClusterActions client={client} name={c.name} autostop={c.autostop} onDone={(note) => { setNotice(note); clusters.reload(); }} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
