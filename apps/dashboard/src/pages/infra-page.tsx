import type { SkyportClient } from '@skyport/client/browser';
import { useLoad } from '../hooks';
import { Empty, ErrorBox, PagePending } from '../components/states';
import { DataTable } from '../components/data-table';

/** A whole number as is, anything else to one decimal (free memory is rarely a round number of GB). */
function amount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** "free / allocatable" with a meter a person takes in at a glance; the label names what and where. */
function FreeOf({ free, allocatable, label }: { free: number; allocatable: number; label: string }) {
  return (
    <>
      <meter min={0} max={allocatable} value={free} aria-label={label} /> {amount(free)} / {amount(allocatable)}
    </>
  );
}

export function InfraPage({ client }: { client: SkyportClient }) {
  const infra = useLoad(async () => {
    const [check, gpus] = await Promise.all([client.check(), client.gpus()]);
    return { check, gpus };
  }, [client]);
  if (!infra.data) return <PagePending id="infra-title" title="Infra" load={infra} what="infrastructure" />;
  const { check, gpus } = infra.data;
  return (
    <section aria-labelledby="infra-title">
      <h1 id="infra-title">Infra</h1>
      {infra.error !== undefined && <ErrorBox error={infra.error} retry={infra.reload} />}
      <section aria-labelledby="contexts-title">
        <h2 id="contexts-title">Kubernetes contexts</h2>
        {!check.kubernetes.available && (
          <p className="error" role="alert">
            The provisioner did not answer: {check.kubernetes.error ?? 'no live view of the clusters'}.
          </p>
        )}
        {check.kubernetes.contexts.length === 0 ? (
          <Empty>No allowed contexts. Add some under kubernetes.allowed_contexts in the Skyport config.</Empty>
        ) : (
          <DataTable columns={['Context', 'Namespace', 'Reachable', 'Nodes (ready / total)', 'CPUs free / allocatable', 'Memory (GB) free / allocatable', 'Snapshot age']} wide>
            {check.kubernetes.contexts.map((c) => (
              <tr key={c.context}>
                <th scope="row">{c.context}</th>
                <td>{c.namespace}</td>
                <td>{c.reachable ? 'yes' : <span className="bad">no{c.error ? `: ${c.error}` : ''}</span>}</td>
                <td>
                  {c.readyNodes} / {c.nodes}
                </td>
                <td>
                  <FreeOf free={c.cpus.free} allocatable={c.cpus.allocatable} label={`CPUs free in ${c.context}`} />
                </td>
                <td>
                  <FreeOf free={c.memoryGb.free} allocatable={c.memoryGb.allocatable} label={`memory free in ${c.context}`} />
                </td>
                <td>{Math.round(c.snapshotAgeMs / 1000)} s</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="gpus-title">
        <h2 id="gpus-title">GPUs on Kubernetes</h2>
        {gpus.kubernetes.gpus.length === 0 ? (
          <Empty>No GPU nodes in the allowed contexts.</Empty>
        ) : (
          <DataTable columns={['Context', 'GPU', 'Free / allocatable', 'Nodes', 'Most free on one node']}>
            {gpus.kubernetes.gpus.map((g) => (
              <tr key={`${g.context}/${g.gpu}`}>
                <th scope="row">{g.context}</th>
                <td>{g.gpu}</td>
                <td>
                  <FreeOf free={g.free} allocatable={g.total} label={`${g.gpu} free in ${g.context}`} />
                </td>
                <td>{g.nodes}</td>
                <td>{g.maxFreePerNode}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="clouds-title">
        <h2 id="clouds-title">Clouds</h2>
        {check.clouds.length === 0 ? (
          <Empty>No clouds enabled: launches stay on the Kubernetes contexts.</Empty>
        ) : (
          <DataTable columns={['Cloud', 'Catalog', 'Instance types', 'Regions']}>
            {check.clouds.map((c) => (
              <tr key={c.cloud}>
                <th scope="row">{c.cloud}</th>
                <td>{c.catalog ? 'loaded' : 'missing'}</td>
                <td>{c.instanceTypes}</td>
                <td>{c.regions}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </section>
  );
}
