import type { SkyportClient } from '@skyport/client/browser';
import { useLoad } from '../hooks';
import { Empty, ErrorBox, Loading } from '../components/states';

export function InfraPage({ client }: { client: SkyportClient }) {
  const infra = useLoad(async () => {
    const [check, gpus] = await Promise.all([client.check(), client.gpus()]);
    return { check, gpus };
  }, [client]);
  if (!infra.data) {
    return (
      <section aria-labelledby="infra-title">
        <h1 id="infra-title">Infra</h1>
        {infra.error !== undefined ? <ErrorBox error={infra.error} retry={infra.reload} /> : <Loading what="infrastructure" />}
      </section>
    );
  }
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
          <table>
            <thead>
              <tr>
                <th scope="col">Context</th>
                <th scope="col">Namespace</th>
                <th scope="col">Reachable</th>
                <th scope="col">Nodes (ready / total)</th>
                <th scope="col">Snapshot age</th>
              </tr>
            </thead>
            <tbody>
              {check.kubernetes.contexts.map((c) => (
                <tr key={c.context}>
                  <th scope="row">{c.context}</th>
                  <td>{c.namespace}</td>
                  <td>{c.reachable ? 'yes' : <span className="bad">no{c.error ? `: ${c.error}` : ''}</span>}</td>
                  <td>
                    {c.readyNodes} / {c.nodes}
                  </td>
                  <td>{Math.round(c.snapshotAgeMs / 1000)} s</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="gpus-title">
        <h2 id="gpus-title">GPUs on Kubernetes</h2>
        {gpus.kubernetes.gpus.length === 0 ? (
          <Empty>No GPU nodes in the allowed contexts.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Context</th>
                <th scope="col">GPU</th>
                <th scope="col">Free / allocatable</th>
                <th scope="col">Nodes</th>
                <th scope="col">Most free on one node</th>
              </tr>
            </thead>
            <tbody>
              {gpus.kubernetes.gpus.map((g) => (
                <tr key={`${g.context}/${g.gpu}`}>
                  <th scope="row">{g.context}</th>
                  <td>{g.gpu}</td>
                  <td>
                    <meter min={0} max={g.total} value={g.free} aria-label={`${g.gpu} free in ${g.context}`} /> {g.free} / {g.total}
                  </td>
                  <td>{g.nodes}</td>
                  <td>{g.maxFreePerNode}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="clouds-title">
        <h2 id="clouds-title">Clouds</h2>
        {check.clouds.length === 0 ? (
          <Empty>No clouds enabled: launches stay on the Kubernetes contexts.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Cloud</th>
                <th scope="col">Catalog</th>
                <th scope="col">Instance types</th>
                <th scope="col">Regions</th>
              </tr>
            </thead>
            <tbody>
              {check.clouds.map((c) => (
                <tr key={c.cloud}>
                  <th scope="row">{c.cloud}</th>
                  <td>{c.catalog ? 'loaded' : 'missing'}</td>
                  <td>{c.instanceTypes}</td>
                  <td>{c.regions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
