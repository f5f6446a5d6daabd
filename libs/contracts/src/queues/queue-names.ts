/** Every BullMQ queue in Skyport. Producers and consumers name queues only through this enum. */
export enum QueueName {
  Optimize = 'optimize',
  Provision = 'provision',
  Teardown = 'teardown',
  Exec = 'exec',
  Autodown = 'autodown',
  /** Stop or start a cloud cluster's VMs (the provisioner). */
  ClusterPower = 'cluster-power',
}
