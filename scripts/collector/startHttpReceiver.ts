import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { decodeExportRequest, encodeExportResponse, encodeRpcStatus, type OtlpEncoding } from './exportCodec';
import { listen, type ListeningServer } from './listen';
import { MAX_BODY_BYTES, type SpanSink } from './spanSink';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

const CONTENT_TYPES: Readonly<Record<string, OtlpEncoding>> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, content-encoding',
};

/** OTLP/HTTP: POST /v1/traces, protobuf or JSON, optionally gzip/deflate. */
export function startHttpReceiver(host: string, port: number, sink: SpanSink, log: (line: string) => void): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    handle(req, res, sink).catch((error: unknown) => {
      log(`collector: OTLP/HTTP request failed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  return listen(server, host, port);
}

async function handle(req: IncomingMessage, res: ServerResponse, sink: SpanSink): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/v1/traces') {
    reply(res, 404, 'json', 5, `no OTLP endpoint at ${path ?? ''}; traces go to POST /v1/traces`);
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS).end();
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST, OPTIONS');
    reply(res, 405, 'json', 12, 'use POST');
    return;
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const encoding = CONTENT_TYPES[mediaType];
  if (!encoding) {
    reply(res, 415, 'json', 3, `unsupported content-type "${mediaType}"; use application/x-protobuf or application/json`);
    return;
  }
  const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', 'deflate'].includes(contentEncoding)) {
    reply(res, 415, encoding, 3, `unsupported content-encoding "${contentEncoding}"; use gzip or none`);
    return;
  }
  const raw = await readBody(req);
  if (!raw) {
    res.setHeader('connection', 'close');
    reply(res, 413, encoding, 8, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    return;
  }
  let body: Buffer;
  try {
    const options = { maxOutputLength: MAX_BODY_BYTES };
    body = contentEncoding === 'gzip' ? await gunzipAsync(raw, options) : contentEncoding === 'deflate' ? await inflateAsync(raw, options) : raw;
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    if (tooLarge) reply(res, 413, encoding, 8, `decompressed body exceeds ${MAX_BODY_BYTES} bytes`);
    else reply(res, 400, encoding, 3, `cannot ${contentEncoding}-decode the body: ${String(error)}`);
    return;
  }
  const result = decodeExportRequest(body, encoding);
  if (!result.ok) {
    reply(res, 400, encoding, 3, result.error);
    return;
  }
  sink(result.spans);
  send(res, 200, encoding, encodeExportResponse(encoding, { rejectedSpans: result.rejected, errorMessage: result.rejectReason }));
}

/** The whole body, or undefined once it passes MAX_BODY_BYTES (the rest is drained, not kept). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Failures carry a google.rpc.Status in the request's encoding, as OTLP/HTTP asks. */
function reply(res: ServerResponse, httpStatus: number, encoding: OtlpEncoding, grpcCode: number, message: string): void {
  send(res, httpStatus, encoding, encodeRpcStatus(encoding, grpcCode, message));
}

function send(res: ServerResponse, httpStatus: number, encoding: OtlpEncoding, body: Buffer): void {
  res.writeHead(httpStatus, {
    ...CORS,
    'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    'content-length': body.length,
  });
  res.end(body);
}
