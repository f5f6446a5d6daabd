import { skyportMetrics } from '@skyport/telemetry';

type Provider = string;

/** The provisioner's share of the launch metrics (the optimizer observes `queued` and `plan`, the job driver `start_job` and `total`). */
export const launchMetrics = {
  up(provider: Provider, claimedAt: number): void {
    skyportMetrics.launchPhaseSeconds().observe({ phase: 'provision', provider }, (Date.now() - claimedAt) / 1000);
    skyportMetrics.launchesFinished().inc({ outcome: 'up', provider });
    if (provider !== 'kubernetes') skyportMetrics.bursts().inc({ cloud: provider });
  },
  failedOver(provider: Provider, code: string): void {
    skyportMetrics.failovers().inc({ provider, reason: code });
  },
  ended(outcome: 'failed' | 'cancelled' | 'waiting', provider: Provider | 'none'): void {
    skyportMetrics.launchesFinished().inc({ outcome, provider });
  },
};
