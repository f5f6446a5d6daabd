export * from './accelerators/accelerator-table';
export * from './accelerators/accelerator-names';
export * from './accelerators/gpu-labels';
export * from './catalog/catalog.types';
export * from './catalog/catalog-csv';
export * from './catalog/catalog';
export * from './data-dir';
