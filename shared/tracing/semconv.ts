/*
 * Incubating semantic-convention names the library uses, copied here as the contrib
 * instrumentations do: `@opentelemetry/semantic-conventions/incubating` may rename or drop
 * them in any minor release, so they are pinned in one place and follow a deliberate
 * update. Stable names come from `@opentelemetry/semantic-conventions` itself.
 * Values as of @opentelemetry/semantic-conventions 1.45.0.
 */

export const ATTR_FAAS_TRIGGER = 'faas.trigger' as const;
export const FAAS_TRIGGER_VALUE_HTTP = 'http' as const;
export const FAAS_TRIGGER_VALUE_PUBSUB = 'pubsub' as const;
export const FAAS_TRIGGER_VALUE_OTHER = 'other' as const;
export const ATTR_FAAS_INVOCATION_ID = 'faas.invocation.id' as const;
export const ATTR_FAAS_COLDSTART = 'faas.coldstart' as const;
export const ATTR_FAAS_NAME = 'faas.name' as const;

export const ATTR_HTTP_REQUEST_BODY_SIZE = 'http.request.body.size' as const;

export const ATTR_CLOUDEVENTS_EVENT_ID = 'cloudevents.event_id' as const;
export const ATTR_CLOUDEVENTS_EVENT_TYPE = 'cloudevents.event_type' as const;
export const ATTR_CLOUDEVENTS_EVENT_SOURCE = 'cloudevents.event_source' as const;

export const ATTR_MESSAGING_SYSTEM = 'messaging.system' as const;
export const MESSAGING_SYSTEM_VALUE_GCP_PUBSUB = 'gcp_pubsub' as const;
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type' as const;
export const MESSAGING_OPERATION_TYPE_VALUE_PROCESS = 'process' as const;
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name' as const;
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name' as const;
export const ATTR_MESSAGING_DESTINATION_SUBSCRIPTION_NAME = 'messaging.destination.subscription.name' as const;
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id' as const;
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size' as const;

/** The project the Telemetry API files spans under (the GCP resource detector sets it too). */
export const ATTR_GCP_PROJECT_ID = 'gcp.project_id' as const;
