/** The instrumentation scope of the order app's own spans (store calls, publishes). */
export const ORDERS_TRACER_NAME = 'traced-order-functions';
