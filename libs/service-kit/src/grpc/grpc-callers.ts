import { status, type ServerErrorResponse, type UntypedHandleCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { identityOf } from './grpc-security';

interface CallWithAuth {
  getAuthContext?: () => { sslPeerCertificate?: { subjectaltname?: string } } | null;
}

/** The Skyport identity of the peer of a server call (from its verified client certificate); undefined without mTLS. */
export function callerIdentity(call: unknown): string | undefined {
  return identityOf((call as CallWithAuth).getAuthContext?.()?.sslPeerCertificate?.subjectaltname);
}

/**
 * Wraps every handler of `implementation` so that only peers whose certificate names one of `allowed` reach it;
 * others get PERMISSION_DENIED before any work. Without mTLS (the explicit insecure dev mode) there is no
 * identity to check and every caller passes: `enforce` is false there.
 */
export function restrictCallers(implementation: UntypedServiceImplementation, allowed: readonly string[], enforce: boolean): UntypedServiceImplementation {
  if (!enforce) return implementation;
  const wrapped: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(implementation)) {
    const fn = handler as (call: unknown, callback?: (error: ServerErrorResponse | null, value?: unknown) => void) => void;
    wrapped[method] = ((call: { emit?: (event: string, error: unknown) => void }, callback?: (error: ServerErrorResponse | null, value?: unknown) => void) => {
      const who = callerIdentity(call);
      if (who === undefined || !allowed.includes(who)) {
        const error: ServerErrorResponse = Object.assign(new Error('permission denied'), {
          code: status.PERMISSION_DENIED,
          details: `the caller '${who ?? 'unknown'}' may not call ${method} (allowed: ${allowed.join(', ')})`,
        });
        if (callback) callback(error, null);
        else call.emit?.('error', error);
        return;
      }
      fn(call, callback);
    }) as UntypedHandleCall;
  }
  return wrapped;
}
