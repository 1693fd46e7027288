import type { Readable } from 'node:stream';
import type { Request } from '@google-cloud/functions-framework';

const PARSE_ERROR = Symbol.for('orders.jsonParseError');
const WRAPPED = Symbol.for('orders.boundedBodyParsers');

type Middleware = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
type ParserFactory = ((options?: Record<string, unknown>) => Middleware) & { [WRAPPED]?: true };
// The parsers functions-framework installs, in its order; raw() takes every other type.
const PARSERS = ['json', 'text', 'urlencoded', 'raw'] as const;

/**
 * functions-framework parses request bodies before the function runs: up to 1 GB each
 * (the platform stops at 32 MB), and a malformed one gets Express's HTML 400 outside any
 * span. Wrapping the factories of the body-parser it uses changes both for requests that
 * are not CloudEvents:
 *
 * - the body is read only up to `maxBodyBytes`, so a large body costs neither memory
 *   nor time (body-parser refuses it from its Content-Length before reading);
 * - every client error a parser raises (malformed JSON, too large, an unsupported
 *   charset or content encoding) reaches the function, which answers it as JSON inside
 *   its traced invocation.
 *
 * CloudEvent deliveries keep the framework's own limits and errors: a push body it
 * cannot read is a transport failure for Pub/Sub to retry, not an order. Must run before
 * the framework builds its server (it loads the function first, then builds it).
 */
export function routeJsonParseErrorsToFunction(maxBodyBytes: number): void {
  const frameworkEntry = require.resolve('@google-cloud/functions-framework');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bodyParser = require(require.resolve('body-parser', { paths: [frameworkEntry] })) as Record<(typeof PARSERS)[number], ParserFactory>;
  for (const name of PARSERS) {
    const original = bodyParser[name];
    if (original[WRAPPED]) continue;
    const wrapped: ParserFactory = (options) => {
      const framework = original(options);
      const bounded = original({ ...options, limit: maxBodyBytes });
      return (req, res, next) => {
        if (isCloudEvent(req)) return framework(req, res, next);
        bounded(req, res, (error?: unknown) => {
          if (!isClientError(error)) return next(error);
          const parseError: JsonParseError = { message: withoutBodyExcerpt(error.message), status: statusOf(error) };
          (req as Record<symbol, unknown>)[PARSE_ERROR] = parseError;
          drained(req as Readable, () => next());
        });
      };
    };
    wrapped[WRAPPED] = true;
    bodyParser[name] = wrapped;
  }
}

/** A binary-mode (ce-* headers) or structured-mode CloudEvent. */
function isCloudEvent(req: unknown): boolean {
  const headers = (req as { headers?: Record<string, unknown> }).headers ?? {};
  return headers['ce-id'] !== undefined || String(headers['content-type'] ?? '').startsWith('application/cloudevents+json');
}

function statusOf(error: { status: number }): JsonParseError['status'] {
  return error.status === 413 || error.status === 415 ? error.status : 400;
}

/**
 * Calls `then` once the request body has been read off. Errors raised before reading
 * (charset, content encoding) leave it unread, and the framework's later raw() parser
 * would then read it and raise the same error again, straight to Express.
 */
function drained(req: Readable, then: () => void): void {
  if (req.readableEnded || req.destroyed) return then();
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    then();
  };
  req.on('end', once);
  req.on('error', once);
  req.on('close', once);
  req.resume();
}

/**
 * Why the body could not be read: 413 when it is over the limit, 415 when body-parser
 * refused its charset or content encoding (the media type is the problem), else 400
 * (the bytes are not what the Content-Type says).
 */
export interface JsonParseError {
  readonly message: string;
  readonly status: 400 | 413 | 415;
}

/** A body-parser error the client caused (http-errors marks those `expose`, status 4xx). */
function isClientError(error: unknown): error is Error & { status: number } {
  const candidate = error as { status?: unknown; expose?: unknown } | undefined;
  return error instanceof Error && typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose === true;
}

/**
 * V8's JSON.parse messages quote a stretch of the body (`Unexpected token 'N', "…"unitPrice":NaN}]…" is
 * not valid JSON`). The quote is order contents: the message keeps the reason, not the excerpt.
 */
export function withoutBodyExcerpt(message: string): string {
  return message.replace(/, ".*" is not valid JSON$/s, '').slice(0, 200);
}

/** The JSON parse error functions-framework met for this request, if any. */
export function jsonParseError(req: Request): JsonParseError | undefined {
  return (req as unknown as Record<symbol, JsonParseError | undefined>)[PARSE_ERROR];
}
