// Tracing must be set up before anything loads a Google client library: the gRPC
// patch must be in place before they build their gRPC clients. Keep this first.
import { config, tracing } from '../shared/telemetry/register';
import { cloudEvent, http } from '@google-cloud/functions-framework';
import { createOrderHandler } from './createOrder';
import { createDependencies } from './dependencies';
import { routeJsonParseErrorsToFunction } from './jsonBodyErrors';
import { processOrderHandler } from './processOrder';
import type { MessagePublishedData } from './processOrder';
import { createSweepDependencies } from './sweepDependencies';
import { sweepOrdersHandler } from './sweepOrders';

routeJsonParseErrorsToFunction(config.maxBodyBytes);
const deps = createDependencies(config, tracing);

http('createOrder', createOrderHandler(deps));
cloudEvent<MessagePublishedData>('processOrder', processOrderHandler(deps));
http('sweepOrders', sweepOrdersHandler(createSweepDependencies(deps)));
