// The tracing library first: importing it starts tracing, and the gRPC patch must be in
// place before anything loads a Google client library. Keep this first.
import { cloudEvent, http } from 'cloud-functions-otel-tracing';
import type { MessagePublishedData } from 'cloud-functions-otel-tracing';
import { loadConfig } from '../shared/config';
import { createOrderHandler } from './createOrder';
import { createDependencies } from './dependencies';
import { guardFunctionServer } from './guardFunctionServer';
import { routeJsonParseErrorsToFunction } from './jsonBodyErrors';
import { processOrderHandler } from './processOrder';
import { createSweepDependencies } from './sweepDependencies';
import { sweepOrdersHandler } from './sweepOrders';

const config = loadConfig();
routeJsonParseErrorsToFunction(config.maxBodyBytes, { onServer: guardFunctionServer(config) });
const deps = createDependencies(config);

http('createOrder', createOrderHandler(deps));
cloudEvent<MessagePublishedData>('processOrder', processOrderHandler(deps));
http('sweepOrders', sweepOrdersHandler(createSweepDependencies(deps)));
