import { SkyportClient } from '@skyport/client/browser';

// The token lives in this tab's sessionStorage only: closing the tab logs out, and nothing secret is in the bundle.
const TOKEN_KEY = 'skyport.token';

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The CLI's client, pointed at the api that serves this page. */
export function clientFor(token: string): SkyportClient {
  // fetch is passed bound: a browser's fetch throws "Illegal invocation" when called as another object's method.
  return new SkyportClient({ endpoint: window.location.origin, token, timeoutMs: 20_000, fetch: (input, init) => window.fetch(input, init) });
}

/** A user-facing message for anything a call threw (SkyportErrors carry the api's message). */
export function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'userMessage' in error && typeof error.userMessage === 'string') return error.userMessage;
  return error instanceof Error ? error.message : String(error);
}

export function isUnauthenticated(error: unknown): boolean {
  return !!error && typeof error === 'object' && 'code' in error && error.code === 'UNAUTHENTICATED';
}
