import { join } from 'node:path';

// This file compiles to dist/data-dir.js, so the shipped CSVs (libs/catalog/data) are one level up from both.
export const CATALOG_DATA_DIR = join(__dirname, '..', 'data');
