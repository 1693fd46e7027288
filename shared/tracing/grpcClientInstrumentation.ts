import { errorMonitor } from 'node:events';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Span, TextMapSetter } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type * as grpc from '@grpc/grpc-js';
import { GRPC_INSTRUMENTATION_NAME, GRPC_INSTRUMENTATION_VERSION } from './names';

type GrpcJs = typeof grpc;

export interface GrpcClientInstrumentationConfig extends InstrumentationConfig {
  /** Method names (as the client calls them, `commit` or `Commit`) that get no span and no injected context. */
  readonly ignoreMethods?: RegExp;
}

/** What grpc-js knows of a method: the fields of its MethodDefinition we read. */
interface MethodShape {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly originalName?: string;
}

/** Everything about a method a span needs, worked out once when its client class is built. */
interface MethodSpanInfo {
  readonly name: string;
  readonly attributes: Attributes;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

type AnyFunction = (this: grpc.Client, ...args: unknown[]) => unknown;
type Call = NodeJS.EventEmitter;

const GRPC_STATUS_OK = 0;
const GRPC_STATUS_UNKNOWN = 2;
// grpc-js channel targets: `dns:host:port`, `ipv4:1.2.3.4:443`, `host:port`.
const TARGET = /(?:[A-Za-z0-9+.-]+:(?:\/\/)?)?(?<name>[A-Za-z0-9+.-]+):(?<port>[0-9]+)$/;
const METADATA_SETTER: TextMapSetter<grpc.Metadata> = { set: (metadata, key, value) => metadata.set(key, value) };

/**
 * Client spans for `@grpc/grpc-js` calls: the spans `@opentelemetry/instrumentation-grpc`
 * makes (same names, kind and `rpc.*`/`server.*` attributes, trace context injected
 * into the call's metadata), for less work per call.
 *
 * Why not that package: per call it parses the method path and the channel target
 * again, copies the arguments twice and runs the call inside `context.with`; for a
 * streaming call (Firestore's BatchGetDocuments) it binds the whole call emitter to the
 * context, so every listener the client library adds runs through AsyncLocalStorage.
 * Here the name and attributes are built once per method and the address once per
 * client; the callback and listeners run in the caller's context, which grpc-js's own
 * async resources already carry. Measured in docs/performance.md (`npm run bench -- --only
 * grpc`, and processOrder's plumbing in `--only cpu`).
 *
 * Server spans are not made: a Cloud Function serves HTTP, not gRPC.
 */
export class GrpcClientInstrumentation extends InstrumentationBase<GrpcClientInstrumentationConfig> {
  private readonly addresses = new WeakMap<object, Attributes>();
  private Metadata: typeof grpc.Metadata | undefined;

  constructor(config: GrpcClientInstrumentationConfig = {}) {
    super(GRPC_INSTRUMENTATION_NAME, GRPC_INSTRUMENTATION_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        '@grpc/grpc-js',
        ['^1.0.0'],
        (moduleExports: GrpcJs) => {
          this.Metadata = moduleExports.Metadata;
          const wrapConstructor = (original: GrpcJs['makeClientConstructor']) => this.patchClientConstructor(original);
          this._wrap(moduleExports, 'makeClientConstructor', wrapConstructor);
          this._wrap(moduleExports, 'makeGenericClientConstructor', wrapConstructor);
          this._wrap(moduleExports, 'loadPackageDefinition', (original) => this.patchLoadPackageDefinition(original));
          return moduleExports;
        },
        (moduleExports: GrpcJs | undefined) => {
          if (moduleExports === undefined) return;
          this._unwrap(moduleExports, 'makeClientConstructor');
          this._unwrap(moduleExports, 'makeGenericClientConstructor');
          this._unwrap(moduleExports, 'loadPackageDefinition');
        },
      ),
    ];
  }

  // Plain module functions in grpc-js: they do not use `this`.
  private patchClientConstructor(original: GrpcJs['makeClientConstructor']): GrpcJs['makeClientConstructor'] {
    return (methods, serviceName, classOptions) => {
      const client = original(methods, serviceName, classOptions);
      this.wrapMethods(client, methods as unknown as Record<string, MethodShape>);
      return client;
    };
  }

  private patchLoadPackageDefinition(original: GrpcJs['loadPackageDefinition']): GrpcJs['loadPackageDefinition'] {
    return (packageDef) => {
      const loaded = original(packageDef);
      this.wrapLoaded(loaded);
      return loaded;
    };
  }

  /** Walks what loadPackageDefinition built (namespaces hold clients and message types). */
  private wrapLoaded(loaded: object): void {
    for (const value of Object.values(loaded) as unknown[]) {
      if (typeof value === 'function') {
        const service = (value as { service?: Record<string, MethodShape> }).service;
        if (service) this.wrapMethods(value as grpc.ServiceClientConstructor, service);
      } else if (value && typeof value === 'object' && typeof (value as { format?: unknown }).format !== 'string') {
        this.wrapLoaded(value);
      }
    }
  }

  private wrapMethods(client: { prototype: object }, methods: Record<string, MethodShape>): void {
    const ignore = this.getConfig().ignoreMethods;
    const proto = client.prototype as Record<string, unknown>;
    for (const [name, method] of Object.entries(methods)) {
      if (ignore?.test(name)) continue;
      const info = methodSpanInfo(method);
      // grpc-js defines each method under its camelCase name and, when it differs, the proto name.
      for (const key of new Set([name, method.originalName ?? name])) {
        if (typeof proto[key] === 'function' && Object.prototype.hasOwnProperty.call(proto, key)) {
          this._wrap(proto, key, (original) => this.traceCalls(original as AnyFunction, info));
        }
      }
    }
  }

  private traceCalls(original: AnyFunction, info: MethodSpanInfo): AnyFunction {
    const start = (client: grpc.Client, args: unknown[]) => this.startCallSpan(client, args, info);
    return function tracedCall(this: grpc.Client, ...args: unknown[]) {
      const span = start(this, args);
      let call: Call;
      try {
        call = original.apply(this, args) as Call;
      } catch (error) {
        // grpc-js throws on bad arguments before any call exists: the span must still end.
        endSpan(span, error instanceof Error ? error : new Error(String(error)), GRPC_STATUS_UNKNOWN);
        throw error;
      }
      if (info.responseStream) endWithStream(span, call);
      return call;
    };
  }

  /** Starts the call's span, puts its context in the call's metadata and, for a unary call, ends it in the callback. */
  private startCallSpan(client: grpc.Client, args: unknown[], info: MethodSpanInfo): Span {
    const parent = context.active();
    const span = this.tracer.startSpan(info.name, { kind: SpanKind.CLIENT, attributes: info.attributes }, parent);
    span.setAttributes(this.serverAddress(client));
    propagation.inject(trace.setSpan(parent, span), metadataArgument(args, info.requestStream ? 0 : 1, this.Metadata!), METADATA_SETTER);
    const last = args.length - 1;
    const callback = args[last];
    if (!info.responseStream && typeof callback === 'function') {
      args[last] = (error: grpc.ServiceError | null, response: unknown) => {
        endSpan(span, error ?? undefined, error ? (error.code ?? GRPC_STATUS_UNKNOWN) : GRPC_STATUS_OK);
        (callback as (e: unknown, r: unknown) => void)(error, response);
      };
    }
    return span;
  }

  /** server.address / server.port of the client's channel, parsed once per client. */
  private serverAddress(client: grpc.Client): Attributes {
    let attributes = this.addresses.get(client);
    if (attributes === undefined) {
      const match = TARGET.exec(client.getChannel().getTarget());
      attributes = match?.groups ? { 'server.address': match.groups.name, 'server.port': Number(match.groups.port) } : {};
      this.addresses.set(client, attributes);
    }
    return attributes;
  }
}

function methodSpanInfo(method: MethodShape): MethodSpanInfo {
  // `/google.firestore.v1.Firestore/Commit`: span `grpc.google.firestore.v1.Firestore/Commit`.
  const path = method.path.startsWith('/') ? method.path.slice(1) : method.path;
  const slash = path.lastIndexOf('/');
  return {
    name: `grpc.${path}`,
    attributes: Object.freeze({ 'rpc.system': 'grpc', 'rpc.service': path.slice(0, slash), 'rpc.method': path.slice(slash + 1) }),
    requestStream: method.requestStream,
    responseStream: method.responseStream,
  };
}

/** The call's Metadata argument, or a new one put where grpc-js expects it. */
function metadataArgument(args: unknown[], position: number, Metadata: typeof grpc.Metadata): grpc.Metadata {
  // Duck-typed, as grpc-js itself checks: a Metadata from another copy of grpc-js still counts.
  for (const arg of args) {
    if (isMetadata(arg)) return arg;
  }
  const metadata = new Metadata();
  args.splice(position, 0, metadata);
  return metadata;
}

function isMetadata(value: unknown): value is grpc.Metadata {
  return typeof value === 'object' && value !== null && 'internalRepr' in value && typeof (value as { getMap?: unknown }).getMap === 'function';
}

/** A streaming call ends with its status, or with an error when it fails first. */
function endWithStream(span: Span, call: Call): void {
  let ended = false;
  const end = (error: (Error & { code?: number }) | undefined, code: number) => {
    if (ended) return;
    ended = true;
    endSpan(span, error, code);
  };
  // errorMonitor: observes an 'error' without counting as its handler.
  call.on(errorMonitor, (error: Error & { code?: number }) => end(error, error.code ?? GRPC_STATUS_UNKNOWN));
  call.on('status', (status: grpc.StatusObject) => end(undefined, status.code));
}

function endSpan(span: Span, error: (Error & { code?: number }) | undefined, code: number): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== GRPC_STATUS_OK) {
    span.setStatus({ code: SpanStatusCode.ERROR, ...(error ? { message: error.message } : {}) });
    if (error) span.setAttributes({ 'grpc.error_name': error.name, 'grpc.error_message': error.message });
  }
  span.end();
}
