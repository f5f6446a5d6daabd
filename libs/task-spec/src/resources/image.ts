import type { ImageSpec } from '../types/task-spec.types';
import { ResourceSyntaxError } from './resource-syntax-error';

/**
 * `image_id`: `docker:<image>` is a container image; any other string is kept as written (a cloud image id such
 * as `ami-...` or `skypilot:gpu-ubuntu-2204`, or an image reference). A per-region mapping keeps its first value.
 */
export function parseImageId(value: unknown): ImageSpec | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') {
    const first = Object.values(value as Record<string, unknown>).find((v) => typeof v === 'string');
    return first === undefined ? undefined : parseImageId(first);
  }
  const text = String(value).trim();
  if (text.startsWith('docker:')) {
    const image = text.slice('docker:'.length).trim();
    if (!image) throw new ResourceSyntaxError("'docker:' needs an image after it, e.g. 'docker:ubuntu:22.04'");
    return { kind: 'docker', image };
  }
  if (!text) return undefined;
  return { kind: 'image', image: text };
}

export function formatImage(image: ImageSpec): string {
  return image.kind === 'docker' ? `docker:${image.image}` : image.image;
}
