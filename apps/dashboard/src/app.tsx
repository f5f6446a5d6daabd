import { useEffect, useMemo, useState, type FormEvent, type ReactElement } from 'react';
import type { PrincipalView } from '@skyport/contracts';
import { clientFor, forgetToken, isUnauthenticated, messageOf, savedToken, saveToken } from './session';
import { LiveProvider, useLive } from './live';
import { Link, useRoute } from './router';
import { ClustersPage } from './pages/clusters-page';
import { ClusterPage } from './pages/cluster-page';
import { JobPage } from './pages/job-page';
import { InfraPage } from './pages/infra-page';
import { QueuePage } from './pages/queue-page';
import { CostPage } from './pages/cost-page';
import type { SkyportClient } from '@skyport/client/browser';

export function App() {
  const [token, setToken] = useState<string | null>(savedToken);
  const [me, setMe] = useState<PrincipalView>();
  const [error, setError] = useState<string>();
  const client = useMemo(() => (token ? clientFor(token) : undefined), [token]);

  useEffect(() => {
    if (!client) return;
    client.whoami().then(setMe, (e: unknown) => {
      if (isUnauthenticated(e)) {
        forgetToken();
        setToken(null);
      }
      setError(messageOf(e));
    });
  }, [client]);

  const logout = (): void => {
    forgetToken();
    setMe(undefined);
    setToken(null);
  };

  if (!client || !me) {
    return (
      <Login
        error={error}
        checking={!!client && !error}
        onLogin={(t) => {
          setError(undefined);
          saveToken(t);
          setToken(t);
        }}
      />
    );
  }
  return (
    <LiveProvider client={client}>
      <Shell client={client} me={me} onLogout={logout} />
    </LiveProvider>
  );
}

function Login({ error, checking, onLogin }: { error?: string; checking: boolean; onLogin: (token: string) => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (value.trim()) onLogin(value.trim());
  };
  return (
    <main className="login">
      <h1>Skyport</h1>
      <form onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">Sign in</h2>
        <label>
          API token
          <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} autoFocus required aria-describedby="token-help" />
        </label>
        <p id="token-help" className="muted">
          The same token the CLI uses (<code>SKYPORT_TOKEN</code>). It is kept in this tab only and is gone when you close it.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

const NAV = [
  ['/clusters', 'Clusters'],
  ['/queue', 'Queue'],
  ['/infra', 'Infra'],
  ['/cost', 'Cost'],
] as const;

function Shell({ client, me, onLogout }: { client: SkyportClient; me: PrincipalView; onLogout: () => void }) {
  const route = useRoute();
  const { connected, lastError } = useLive();
  const page = pageFor(route, client, me);
  useEffect(() => {
    document.title = `${page.title} · Skyport`;
  }, [page.title]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Skyport</span>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} aria-current={route === to || (to === '/clusters' && route.startsWith('/clusters')) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span className={connected ? 'live on' : 'live'} title={connected ? 'Live updates on' : `Live updates reconnecting${lastError ? `: ${lastError}` : ''}`} data-testid="live">
          {connected ? '● live' : '○ reconnecting'}
        </span>
        <span className="who" data-testid="whoami">
          {me.name} · {me.team ?? 'no team'} · {me.role}
        </span>
        <button type="button" onClick={onLogout}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page.element}
      </main>
    </>
  );
}

function pageFor(route: string, client: SkyportClient, me: PrincipalView): { title: string; element: ReactElement } {
  let m: RegExpMatchArray | null;
  if ((m = route.match(/^\/clusters\/([^/]+)\/jobs\/(\d+)$/))) {
    const name = decodeURIComponent(m[1]);
    return { title: `${name} job ${m[2]}`, element: <JobPage client={client} cluster={name} jobId={Number(m[2])} /> };
  }
  if ((m = route.match(/^\/clusters\/([^/]+)$/))) {
    const name = decodeURIComponent(m[1]);
    return { title: name, element: <ClusterPage client={client} name={name} /> };
  }
  if (route === '/infra') return { title: 'Infra', element: <InfraPage client={client} /> };
  if (route === '/queue') return { title: 'Queue', element: <QueuePage client={client} me={me} /> };
  if (route === '/cost') return { title: 'Cost', element: <CostPage client={client} /> };
  if (route === '/' || route === '/clusters') return { title: 'Clusters', element: <ClustersPage client={client} me={me} /> };
  return {
    title: 'Not found',
    element: (
      <section>
        <h1>Not found</h1>
        <p>
          There is no page at this address. <Link to="/clusters">Go to the clusters</Link>.
        </p>
      </section>
    ),
  };
}
