import type { AllowList } from './webhook-allow-list';
import { checkDestination, parseWebhookUrl, type Resolver } from './webhook-destination';
import { postPinned, type SendResult } from './webhook-sender';

/**
 * A delivery try: the stored URL is parsed and checked again now (DNS may have changed since registration, the
 * allow-list may have shrunk), and the POST goes to the very address that passed. Never throws: any failure is
 * `{}` (no status), indistinguishable from any other.
 */
export async function deliverChecked(
  rawUrl: string,
  options: { allow: AllowList; resolve: Resolver; timeoutMs: number; post?: typeof postPinned },
  headers: Record<string, string>,
  body: string,
): Promise<SendResult> {
  try {
    const target = parseWebhookUrl(rawUrl);
    const verdict = await checkDestination(target, options.allow, options.resolve);
    if (!verdict.ok) return {};
    return await (options.post ?? postPinned)(target, verdict.address, headers, body, options.timeoutMs);
  } catch {
    return {};
  }
}
