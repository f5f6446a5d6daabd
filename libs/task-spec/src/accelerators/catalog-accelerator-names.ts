import { CANONICAL_ACCELERATORS, canonicalAccelerator } from '@skyport/catalog';
import type { AcceleratorNames } from './accelerator-names';

/** libs/catalog's accelerator table (canonical names + aliases, GKE/GFD/Karpenter spellings). */
export const CATALOG_ACCELERATOR_NAMES: AcceleratorNames = {
  canonical: (name) => canonicalAccelerator(name),
  names: () => CANONICAL_ACCELERATORS,
};
