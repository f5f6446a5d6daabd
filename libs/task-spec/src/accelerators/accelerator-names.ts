/**
 * The seam to the accelerator name table (canonical names and aliases) that libs/catalog owns. task-spec keeps
 * no table of its own: it asks this interface, and the catalog's implementation is installed by default once
 * that library exports one (see `defaultAcceleratorNames`).
 */
export interface AcceleratorNames {
  /** The canonical name for a name or alias (case-insensitive), or undefined when unknown. */
  canonical(name: string): string | undefined;
  /** Every canonical name, for "did you mean" suggestions. */
  names(): readonly string[];
}

/** Accepts every name as written: used only when no table is available. */
export const PERMISSIVE_ACCELERATOR_NAMES: AcceleratorNames = {
  canonical: (name) => name,
  names: () => [],
};
