/**
 * What an unmodified function gets for `@google-cloud/functions-framework` in zero-code
 * mode (traceUnmodifiedFunctions resolves its import here): functions-framework's
 * `http` and `cloudEvent`, registering the function traced, exactly as the one-import
 * mode's do. Those two are all functions-framework 5 exports at run time (the rest are
 * types); a test compares this list with the installed version's.
 */
export { cloudEvent, http } from './index';
