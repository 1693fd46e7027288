import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Request } from '@google-cloud/functions-framework';

const PARSE_ERROR = Symbol.for('orders.jsonParseError');
const WRAPPED = Symbol.for('orders.boundedBodyParsers');

type Middleware = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
type ParserFactory = ((options?: Record<string, unknown>) => Middleware) & { [WRAPPED]?: true };
// The parsers functions-framework installs, in its order; raw() takes every other type.
const PARSERS = ['json', 'text', 'urlencoded', 'raw'] as const;

/**
 * The versions this patch was written against (read from their sources): functions-framework
 * builds its Express app in `getServer` (build/src/server.js), calling body-parser's
 * `json`, `text`, `urlencoded` and `raw` through the module's exports each time; body-parser
 * 2 reads `limit` per parser and refuses a declared Content-Length over it before reading.
 * Outside these ranges the patch refuses to start (see supportedVersionsProblem).
 */
export const SUPPORTED_VERSIONS: Readonly<Record<'@google-cloud/functions-framework' | 'body-parser', readonly [string, string]>> = {
  '@google-cloud/functions-framework': ['5.0.0', '5.1.0'],
  'body-parser': ['2.2.0', '3.0.0'],
};

export class UnsupportedVersionError extends Error {
  override readonly name = 'UnsupportedVersionError';
}

/** Options for routeJsonParseErrorsToFunction. */
export interface BodyPatchOptions {
  /** Called with each server functions-framework builds, before it listens. */
  readonly onServer?: (server: Server, signatureType: string | undefined) => void;
}

/**
 * The one patch of another library in the functions: there is no public hook into
 * functions-framework's body parsing (its Express app is private to `getServer`; its public
 * surface is `http`, `cloudEvent` and `getTestServer`), and the server kind decides the
 * parsers' behaviour, so both modules are wrapped here, only for the versions above.
 *
 * functions-framework parses request bodies before the function runs: up to 1 GB each
 * (the platform stops at 32 MB), and a malformed one gets Express's HTML 400 outside any
 * span, with the parse error (which quotes the body) logged. Wrapping the factories of
 * the body-parser it uses changes that for every request, whatever its headers (a
 * `ce-id` header or a CloudEvents content type must not buy a way around the limits):
 *
 * - HTTP functions: the body is read only up to `maxBodyBytes` (body-parser refuses it
 *   from its Content-Length before reading), and every client error a parser raises
 *   (malformed JSON, too large, an unsupported charset or content encoding) reaches the
 *   function, which answers it as JSON inside its traced invocation.
 * - CloudEvent functions: Pub/Sub's pushes keep room (up to the platform's 32 MB), and
 *   what cannot be a push (not a POST, not JSON, malformed, too large) is answered here
 *   with a 4xx JSON error before the framework turns it into an HTML 500.
 *
 * Which kind a server serves is read from functions-framework's getServer, which is
 * wrapped to say so while it builds the server (and so creates the parsers). Must run
 * before the framework builds its server (it loads the function first, then builds it).
 */
export function routeJsonParseErrorsToFunction(maxBodyBytes: number, options: BodyPatchOptions = {}): void {
  const frameworkEntry = require.resolve('@google-cloud/functions-framework');
  const bodyParserEntry = require.resolve('body-parser', { paths: [frameworkEntry] });
  const problem = supportedVersionsProblem({
    '@google-cloud/functions-framework': packageVersion(frameworkEntry, '@google-cloud/functions-framework'),
    'body-parser': packageVersion(bodyParserEntry, 'body-parser'),
  });
  if (problem) throw new UnsupportedVersionError(problem);
  watchServerSignatureType(path.join(path.dirname(frameworkEntry), 'server.js'), options.onServer);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bodyParser = require(bodyParserEntry) as Record<(typeof PARSERS)[number], ParserFactory>;
  for (const name of PARSERS) {
    const original = bodyParser[name];
    if (original[WRAPPED]) continue;
    const wrapped: ParserFactory = (parserOptions) => {
      parsersBuilt++;
      if (buildingSignatureType === 'cloudevent' || buildingSignatureType === 'event') return cloudEventParser(original, parserOptions, name === 'raw');
      const bounded = original({ ...parserOptions, limit: maxBodyBytes });
      return (req, res, next) => {
        const request = req as Readable & Record<symbol, unknown> & { headers: Record<string, string | undefined> };
        // An earlier parser already refused this body (it stays unread): nothing to parse.
        if (request[PARSE_ERROR] !== undefined) return next();
        const declared = declaredOverLimit(request, maxBodyBytes);
        if (declared !== undefined) {
          // Refused before reading: the function answers 413 at once, and the connection
          // closes after it instead of waiting for a body that may never come.
          request[PARSE_ERROR] = { message: `request entity of ${declared} bytes is too large`, status: 413 } satisfies JsonParseError;
          (res as { setHeader(name: string, value: string): void }).setHeader('Connection', 'close');
          return next();
        }
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

/** The number of parsers functions-framework built through the wrapped factories (0: the patch is a no-op). */
let parsersBuilt = 0;

/** What is wrong with these versions for this patch, or undefined when they are supported. */
export function supportedVersionsProblem(versions: Readonly<Record<keyof typeof SUPPORTED_VERSIONS, string | undefined>>): string | undefined {
  for (const [name, [from, below]] of Object.entries(SUPPORTED_VERSIONS)) {
    const version = versions[name as keyof typeof SUPPORTED_VERSIONS];
    if (version === undefined || compareVersions(version, from) < 0 || compareVersions(version, below) >= 0) {
      return (
        `functions/jsonBodyErrors.ts patches ${name} >=${from} <${below}, found ${version ?? 'no version'}: ` +
        'read its new sources, check the test in test/functions/jsonBodyErrors.test.ts, then widen SUPPORTED_VERSIONS'
      );
    }
  }
  return undefined;
}

/** -1, 0 or 1 for two x.y.z versions (a pre-release counts as its release). */
function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.split(/[-+]/)[0]?.split('.').map((n) => Number.parseInt(n, 10) || 0) ?? [];
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The version in the package.json of the package `entry` belongs to (its exports map may not list package.json). */
function packageVersion(entry: string, name: string): string | undefined {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version;
    } catch {
      // no package.json at this level: keep climbing
    }
  }
  return undefined;
}

/** The declared Content-Length when it is over `limit` (an identity body only: a compressed one is measured inflated). */
function declaredOverLimit(req: { headers: Record<string, string | undefined> }, limit: number): number | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const length = Number(req.headers['content-length']);
  return encoding === 'identity' && Number.isFinite(length) && length > limit ? length : undefined;
}

// A Pub/Sub push carries at most 10 MB of data, base64 in JSON: under the platform's 32 MB.
const CLOUD_EVENT_BODY_LIMIT = 32 * 1024 * 1024;
const JSON_TYPES = /^application\/(json|cloudevents\+json)\s*(;|$)/i;

/** Signature type of the server functions-framework is building right now (undefined otherwise). */
let buildingSignatureType: string | undefined;

type ServerModule = { getServer: ((userFunction: unknown, options: { signatureType?: string }) => unknown) & { [WRAPPED]?: true } };

function watchServerSignatureType(serverPath: string, onServer: BodyPatchOptions['onServer']): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require(serverPath) as ServerModule;
  if (server.getServer[WRAPPED]) return;
  const original = server.getServer;
  const watched: ServerModule['getServer'] = (userFunction, options) => {
    buildingSignatureType = options?.signatureType;
    const before = parsersBuilt;
    let built: unknown;
    try {
      built = original(userFunction, options);
    } finally {
      buildingSignatureType = undefined;
    }
    if (parsersBuilt === before) {
      // An upgrade that binds the parsers elsewhere would leave bodies unbounded: say so loudly.
      throw new UnsupportedVersionError('functions-framework built its server without the body-parser factories functions/jsonBodyErrors.ts wraps: the body limit and JSON errors would not apply');
    }
    onServer?.(built as Server, options?.signatureType);
    return built;
  };
  watched[WRAPPED] = true;
  server.getServer = watched;
}

/**
 * A body parser for a CloudEvent function's server: the platform's limit, and a JSON
 * 4xx for what cannot be a push delivery. The last parser (`raw`) also refuses other
 * methods and media types, once the others have had their turn.
 */
function cloudEventParser(original: ParserFactory, options: Record<string, unknown> | undefined, last: boolean): Middleware {
  const parser = original({ ...options, limit: CLOUD_EVENT_BODY_LIMIT });
  return (req, res, next) => {
    const answer = (status: number, error: string, headers: Record<string, string> = {}): void => {
      drained(req as Readable, () => (res as JsonResponse).status(status).set(headers).json({ error }));
    };
    const declared = declaredOverLimit(req as { headers: Record<string, string | undefined> }, CLOUD_EVENT_BODY_LIMIT);
    if (declared !== undefined) {
      // Refused before reading, and the connection closed after the answer (the body is never read).
      (res as JsonResponse).status(413).set({ Connection: 'close' }).json({ error: `the push body of ${declared} bytes exceeds the limit of ${CLOUD_EVENT_BODY_LIMIT} bytes` });
      return;
    }
    parser(req, res, (error?: unknown) => {
      if (isClientError(error)) return answer(statusOf(error), `the push body cannot be read: ${withoutBodyExcerpt(error.message)}`);
      if (error !== undefined || !last) return next(error);
      const { method, headers } = req as { method?: string; headers: Record<string, string | undefined> };
      if (method !== 'POST') return answer(405, `method ${method ?? '?'} not allowed; Pub/Sub pushes are POSTs`, { Allow: 'POST' });
      if (!JSON_TYPES.test(headers['content-type'] ?? '')) {
        return answer(415, `Content-Type must be application/json or application/cloudevents+json, got ${(headers['content-type'] ?? 'none').slice(0, 100)}`);
      }
      next();
    });
  };
}

interface JsonResponse {
  status(code: number): JsonResponse;
  set(headers: Record<string, string>): JsonResponse;
  json(body: unknown): void;
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
