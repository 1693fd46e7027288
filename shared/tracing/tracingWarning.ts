import { COMPONENT } from './names';

/** The process warning code of a part tracing cannot cover (too old a Node, a background function, a patch that did not take). */
export const NOT_TRACED_WARNING = 'GCF_TRACING_NOT_TRACED';

/** A process warning naming the library, under `code` so that it can be filtered. */
export function tracingWarning(code: string, message: string): void {
  process.emitWarning(`${COMPONENT}: ${message}`, { code });
}
