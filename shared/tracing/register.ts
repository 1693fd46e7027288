/**
 * Side-effect module: reads the configuration and starts tracing, once. Import it
 * before anything that loads a Google client library (the gRPC patch must be in place
 * before they build their gRPC clients).
 */
import { loadConfig } from '../config';
import type { Config } from '../config';
import { initTracing } from './tracing';
import type { Tracing } from './startTracing';
import { shutdownOnSigterm } from './shutdownOnSigterm';

export const config: Config = loadConfig();
export const tracing: Tracing = initTracing(config);
shutdownOnSigterm(tracing);
