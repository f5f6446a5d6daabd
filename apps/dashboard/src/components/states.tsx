import type { ReactNode } from 'react';
import { messageOf } from '../session';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error" role="alert">
      <strong>Could not load this.</strong> {messageOf(error)}
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A page whose data has not arrived yet: its title, then why (the error, with Retry) or that it is loading. */
export function PagePending({ id, title, load, what }: { id: string; title: ReactNode; load: { error?: unknown; reload: () => void }; what: string }) {
  return (
    <section aria-labelledby={id}>
      <h1 id={id}>{title}</h1>
      {load.error !== undefined ? <ErrorBox error={load.error} retry={load.reload} /> : <Loading what={what} />}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

const TONE: Record<string, string> = {
  UP: 'ok', RUNNING: 'ok', SUCCEEDED: 'ok', INIT: 'busy', PENDING: 'busy', SETTING_UP: 'busy', PROVISIONING: 'busy', QUEUED: 'busy',
  STOPPED: 'off', TERMINATED: 'off', CANCELLED: 'off', TEARING_DOWN: 'busy', FAILED: 'bad', FAILED_SETUP: 'bad', FAILED_DRIVER: 'bad', ERROR: 'bad',
};

export function Status({ value }: { value: string }) {
  return <span className={`status status-${TONE[value] ?? 'off'}`}>{value}</span>;
}
