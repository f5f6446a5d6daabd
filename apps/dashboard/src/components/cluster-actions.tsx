import { useState } from 'react';
import type { SkyportClient } from '@skyport/client/browser';
import { ConfirmDialog } from './confirm-dialog';
import { messageOf } from '../session';

/** Down and set-autostop for one cluster, each behind a confirmation. */
export function ClusterActions({ client, name, autostop, onDone }: { client: SkyportClient; name: string; autostop?: { idleMinutes: number; down: boolean }; onDone: (note?: string) => void }) {
  const [open, setOpen] = useState<'down' | 'autostop' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [minutes, setMinutes] = useState(String(autostop?.idleMinutes ?? 30));
  const [down, setDown] = useState(autostop?.down ?? true);
  const close = (): void => {
    setOpen(null);
    setError(undefined);
    setBusy(false);
  };
  const run = async (action: () => Promise<string | undefined>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const note = await action();
      close();
      onDone(note);
    } catch (e) {
      setBusy(false);
      setError(messageOf(e));
    }
  };
  return (
    <span className="actions">
      <button type="button" className="danger" onClick={() => setOpen('down')} aria-label={`Tear down ${name}`}>
        Down
      </button>
      <button type="button" onClick={() => setOpen('autostop')} aria-label={`Set autostop for ${name}`}>
        Autostop
      </button>
      {open === 'down' && (
        <ConfirmDialog title={`Tear down ${name}?`} confirmLabel="Tear down" danger busy={busy} error={error} onCancel={close} onConfirm={() => void run(async () => {
          const answer = await client.down(name);
          return answer.outcome === 'cancelled' ? `${name}: its queued launch was cancelled` : `${name} is being torn down`;
        })}>
          <p>Its pods and every job on it are removed. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {open === 'autostop' && (
        <ConfirmDialog title={`Autostop for ${name}`} confirmLabel="Save autostop" busy={busy} error={error} onCancel={close} onConfirm={() => void run(async () => {
          const idle = Number(minutes);
          if (!Number.isInteger(idle) || idle < -1) throw new Error('idle minutes must be a whole number (−1 turns autostop off)');
          const answer = await client.setAutostop(name, { idleMinutes: idle, down });
          return answer.note ?? (answer.autostop ? `${name}: autostop after ${answer.autostop.idleMinutes} idle minutes` : `${name}: autostop off`);
        })}>
          <label>
            Idle minutes (−1 turns it off)
            <input type="number" min={-1} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} required />
          </label>
          <label className="inline">
            <input type="checkbox" checked={down} onChange={(e) => setDown(e.target.checked)} /> Tear down when idle (Kubernetes clusters cannot stop)
          </label>
        </ConfirmDialog>
      )}
    </span>
  );
}
