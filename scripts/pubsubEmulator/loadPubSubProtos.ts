import path from 'node:path';
import type { GrpcObject, ServiceDefinition } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export interface PubSubServices {
  readonly publisher: ServiceDefinition;
  readonly subscriber: ServiceDefinition;
}

/**
 * The protos the real client ships with, so both ends agree on the wire format.
 * google/api and google/protobuf come from google-gax, the client's own dependency.
 */
export function loadPubSubProtos(): PubSubServices {
  const pubsubRoot = path.dirname(require.resolve('@google-cloud/pubsub/package.json'));
  const gaxMain = require.resolve('google-gax', { paths: [pubsubRoot] });
  const includeDirs = [path.join(pubsubRoot, 'build', 'protos'), path.resolve(path.dirname(gaxMain), '..', 'protos')];
  const definition = loadSync('google/pubsub/v1/pubsub.proto', {
    includeDirs,
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: false,
  });
  const root = loadPackageDefinition(definition);
  const v1 = ((root.google as GrpcObject).pubsub as GrpcObject).v1 as GrpcObject;
  const service = (name: string): ServiceDefinition => (v1[name] as unknown as { service: ServiceDefinition }).service;
  return { publisher: service('Publisher'), subscriber: service('Subscriber') };
}
