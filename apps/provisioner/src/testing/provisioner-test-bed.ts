import type { DataSource } from 'typeorm';
import { type KubeClientProvider } from '@skyport/kube';
import { createTestNamespace, testProvider } from '@skyport/kube/testing';
import { migratedTestDatabase } from '@skyport/persistence/testing';
import { CapacityService } from '../capacity/capacity.service';
import type { PlanCandidate } from '../provision/cluster-spec.factory';

/** What the provisioner's integration tests run against: a fresh migrated database, the local cluster, a namespace. */
export interface ProvisionerTestBed {
  ds: DataSource;
  kube: KubeClientProvider;
  /** Synced capacity informers on the local cluster. */
  capacity: CapacityService;
  ns: { name: string; drop: () => Promise<void> };
  context: string;
  stop: () => Promise<void>;
}

/** `label` names the database and the namespace's prefix; `stop` removes all of it. */
export async function startProvisionerTestBed(label: string, target: { kubeconfig: string; context: string }): Promise<ProvisionerTestBed> {
  const db = await migratedTestDatabase(label.replace(/-/g, '_'));
  const ds = db.ds;
  const kube = testProvider(target);
  const capacity = new CapacityService(kube);
  capacity.start();
  await capacity.waitForSync();
  const ns = await createTestNamespace(kube.forContext(target.context), label.replace(/_/g, '-'));
  return {
    ds,
    kube,
    capacity,
    ns,
    context: target.context,
    stop: async () => {
      await capacity.dispose();
      await ns.drop();
      await db.drop();
    },
  };
}

/** A feasible plan candidate on a Kubernetes context, as the optimizer writes one. */
export function kubernetesCandidate(context: string, instanceType = '1CPU--1GB', more: Partial<PlanCandidate> = {}): PlanCandidate {
  return {
    candidateId: `kubernetes/${context}`,
    provider: 'kubernetes',
    region: context,
    zone: '',
    instanceType,
    acceleratorName: '',
    acceleratorCount: 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
    ...more,
  };
}
