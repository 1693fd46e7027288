/**
 * The zero-code entry: `NODE_OPTIONS="--require <package>/register"` traces a function
 * that imports nothing of this library (see traceUnmodifiedFunctions). It starts tracing
 * once, before the function and the Google client libraries load (a warning with code
 * GCF_TRACING_LOADED_LATE says when one was loaded first), then resolves the function's
 * functions-framework to its traced form and patches Pub/Sub's publish as it loads.
 */
import { tracing } from './startedTracing';
import { tracePubSubPublishes } from './tracePubSubPublishes';
import { traceUnmodifiedFunctions } from './traceUnmodifiedFunctions';

traceUnmodifiedFunctions(tracing);
tracePubSubPublishes(tracing);

/** The tracing this process runs. */
export { tracing };
