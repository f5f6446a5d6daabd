/**
 * `launch_queue.demand`: what a launch holds while its cluster lives, counted against its team's quota. The api
 * writes it with the launch and sums it for quota decisions and `/metrics`.
 */
export interface LaunchDemand {
  cpus: number;
  memoryGb: number;
  /** GPUs by accelerator name. */
  gpus: Record<string, number>;
  clusters: number;
}
