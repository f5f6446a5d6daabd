/** SkyPilot's prefix for a line of a multi-node job: `(head, rank=0) ` or `(worker2, rank=2) `; none for one node. */
export function nodePrefix(rank: number, numNodes: number): string {
  if (numNodes <= 1) return '';
  return rank === 0 ? '(head, rank=0) ' : `(worker${rank}, rank=${rank}) `;
}
