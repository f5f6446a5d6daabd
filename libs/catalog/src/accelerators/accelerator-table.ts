/**
 * One row per canonical accelerator name. `family` + `memoryGb` let the resolver understand label values it has
 * never seen spelled exactly (`NVIDIA-A100-SXM4-80GB`, `a100-80gb`): the family token and the memory pick the row.
 * `aliases` lists spellings that the family rule cannot derive (GKE's `nvidia-tesla-a100` is the 40 GB part).
 */
export interface AcceleratorInfo {
  name: string;
  vendor: 'nvidia' | 'amd' | 'google';
  /** Lowercase model token as it appears in labels (`a100`, `h100`, `t4`). */
  family: string;
  /** Memory per device in GB; the family's default part when several share a family. */
  memoryGb: number;
  /** True for the part a bare family token means (`a100` → A100 40 GB, `h100` → H100 80 GB). */
  familyDefault?: boolean;
  aliases: readonly string[];
}

export const ACCELERATOR_TABLE: readonly AcceleratorInfo[] = [
  { name: 'K80', vendor: 'nvidia', family: 'k80', memoryGb: 12, familyDefault: true, aliases: ['nvidia-tesla-k80', 'Tesla-K80'] },
  { name: 'P4', vendor: 'nvidia', family: 'p4', memoryGb: 8, familyDefault: true, aliases: ['nvidia-tesla-p4', 'Tesla-P4'] },
  {
    name: 'P100',
    vendor: 'nvidia',
    family: 'p100',
    memoryGb: 16,
    familyDefault: true,
    aliases: ['nvidia-tesla-p100', 'Tesla-P100-PCIE-16GB', 'Tesla-P100-SXM2-16GB'],
  },
  {
    name: 'T4',
    vendor: 'nvidia',
    family: 't4',
    memoryGb: 16,
    familyDefault: true,
    aliases: ['nvidia-tesla-t4', 'Tesla-T4', 'NVIDIA-Tesla-T4', 'Tesla_T4'],
  },
  {
    name: 'V100',
    vendor: 'nvidia',
    family: 'v100',
    memoryGb: 16,
    familyDefault: true,
    aliases: ['nvidia-tesla-v100', 'Tesla-V100-SXM2-16GB', 'Tesla-V100-PCIE-16GB', 'Tesla_V100_NVLINK', 'Tesla_V100_PCIE'],
  },
  { name: 'V100-32GB', vendor: 'nvidia', family: 'v100', memoryGb: 32, aliases: ['Tesla-V100-SXM2-32GB', 'Tesla-V100-PCIE-32GB'] },
  { name: 'L4', vendor: 'nvidia', family: 'l4', memoryGb: 24, familyDefault: true, aliases: ['nvidia-l4', 'NVIDIA-L4'] },
  { name: 'L40', vendor: 'nvidia', family: 'l40', memoryGb: 48, familyDefault: true, aliases: ['nvidia-l40', 'NVIDIA-L40'] },
  { name: 'L40S', vendor: 'nvidia', family: 'l40s', memoryGb: 48, familyDefault: true, aliases: ['nvidia-l40s', 'NVIDIA-L40S'] },
  { name: 'A10G', vendor: 'nvidia', family: 'a10g', memoryGb: 24, familyDefault: true, aliases: ['NVIDIA-A10G'] },
  { name: 'A10', vendor: 'nvidia', family: 'a10', memoryGb: 24, familyDefault: true, aliases: ['NVIDIA-A10', 'A10_PCIE'] },
  { name: 'A40', vendor: 'nvidia', family: 'a40', memoryGb: 48, familyDefault: true, aliases: ['NVIDIA-A40'] },
  {
    name: 'A6000',
    vendor: 'nvidia',
    family: 'a6000',
    memoryGb: 48,
    familyDefault: true,
    aliases: ['NVIDIA-RTX-A6000', 'RTX-A6000', 'RTX_A6000'],
  },
  {
    name: 'A100',
    vendor: 'nvidia',
    family: 'a100',
    memoryGb: 40,
    familyDefault: true,
    aliases: ['nvidia-tesla-a100', 'NVIDIA-A100-SXM4-40GB', 'NVIDIA-A100-PCIE-40GB', 'A100_PCIE_40GB', 'A100_NVLINK'],
  },
  {
    name: 'A100-80GB',
    vendor: 'nvidia',
    family: 'a100',
    memoryGb: 80,
    aliases: ['nvidia-a100-80gb', 'NVIDIA-A100-SXM4-80GB', 'NVIDIA-A100-80GB-PCIe', 'A100_NVLINK_80GB', 'A100_PCIE_80GB'],
  },
  {
    name: 'H100',
    vendor: 'nvidia',
    family: 'h100',
    memoryGb: 80,
    familyDefault: true,
    // SkyPilot's catalogs also call it `H100-80GB`: the same part under another name.
    aliases: ['H100-80GB', 'nvidia-h100-80gb', 'NVIDIA-H100-80GB-HBM3', 'NVIDIA-H100-PCIe', 'NVIDIA-H100-SXM5-80GB', 'H100_NVLINK_80GB', 'H100_PCIE'],
  },
  { name: 'H100-MEGA', vendor: 'nvidia', family: 'h100-mega', memoryGb: 80, familyDefault: true, aliases: ['H100-MEGA-80GB', 'nvidia-h100-mega-80gb'] },
  {
    name: 'H200',
    vendor: 'nvidia',
    family: 'h200',
    memoryGb: 141,
    familyDefault: true,
    aliases: ['nvidia-h200-141gb', 'NVIDIA-H200', 'NVIDIA-H200-141GB-HBM3e', 'NVIDIA-H200-NVL'],
  },
  { name: 'GH200', vendor: 'nvidia', family: 'gh200', memoryGb: 96, familyDefault: true, aliases: ['NVIDIA-GH200-480GB'] },
  // Blackwell. GKE labels them `nvidia-b200` / `nvidia-gb200`; GPU feature discovery `NVIDIA-B200`, `NVIDIA-GB200`.
  { name: 'B100', vendor: 'nvidia', family: 'b100', memoryGb: 192, familyDefault: true, aliases: ['nvidia-b100', 'NVIDIA-B100'] },
  { name: 'B200', vendor: 'nvidia', family: 'b200', memoryGb: 180, familyDefault: true, aliases: ['nvidia-b200', 'NVIDIA-B200'] },
  { name: 'GB200', vendor: 'nvidia', family: 'gb200', memoryGb: 186, familyDefault: true, aliases: ['nvidia-gb200', 'NVIDIA-GB200'] },
  // AMD Instinct, counted under `amd.com/gpu`. The device plugin's node labeller writes the marketing name with
  // underscores in `amd.com/gpu.product-name` (`AMD_Instinct_MI300X_OAM`); the family rule reads those.
  { name: 'MI300X', vendor: 'amd', family: 'mi300x', memoryGb: 192, familyDefault: true, aliases: ['AMD-Instinct-MI300X', 'Instinct-MI300X'] },
  { name: 'MI250X', vendor: 'amd', family: 'mi250x', memoryGb: 128, familyDefault: true, aliases: ['AMD-Instinct-MI250X'] },
  {
    name: 'MI250',
    vendor: 'amd',
    family: 'mi250',
    memoryGb: 128,
    familyDefault: true,
    // One PCI device id and one marketing name ("AMD Instinct MI250X / MI250") cover both parts; such a node is
    // taken for the smaller MI250, so that it is never offered as more than it may be.
    aliases: ['AMD-Instinct-MI250', 'AMD-Instinct-MI250X-MI250'],
  },
  { name: 'MI210', vendor: 'amd', family: 'mi210', memoryGb: 64, familyDefault: true, aliases: ['AMD-Instinct-MI210'] },
];

/** The extended resource that counts each vendor's GPUs on a node. */
export const GPU_RESOURCE_KEY_BY_VENDOR = { nvidia: 'nvidia.com/gpu', amd: 'amd.com/gpu' } as const;
