// Handlers this library has already wrapped: registering one again (a zero-code process
// whose function also uses wrapHttp, say) must not give each invocation a second span.
const traced = new WeakSet<object>();

/** `handler`, remembered as traced. */
export function markTraced<F extends object>(handler: F): F {
  traced.add(handler);
  return handler;
}

/** True for a handler this library returned from one of its wrappers. */
export function isTraced(handler: unknown): boolean {
  return typeof handler === 'function' && traced.has(handler);
}
