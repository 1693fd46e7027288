import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { acknowledge, modifyAckDeadline } from './ackRequests';
import { paginate } from './paginate';
import type { PullRequest } from './pullOnce';
import { pullOnce } from './pullOnce';
import type { PubSubStore } from './pubsubStore';
import type { PushConfigProto, SubscriptionProto } from './pubsubTypes';
import { invalidArgument } from './statusError';
import { streamingPullHandler } from './streamingPull';
import { unaryHandler } from './unaryHandler';

interface AckRequest {
  readonly subscription?: string;
  readonly ackIds?: string[];
  readonly ackDeadlineSeconds?: number;
}

function requireAckIds(ackIds: string[] | undefined): string[] {
  if (!ackIds || ackIds.length === 0) throw invalidArgument('ack_ids must not be empty.');
  return ackIds;
}

/** google.pubsub.v1.Subscriber: thin mapping of requests onto the store. */
export function subscriberService(store: PubSubStore): UntypedServiceImplementation {
  return {
    CreateSubscription: unaryHandler((request: SubscriptionProto) => store.createSubscription(request)),
    GetSubscription: unaryHandler((request: { subscription?: string }) => store.getSubscription(request.subscription)),
    DeleteSubscription: unaryHandler((request: { subscription?: string }) => {
      store.deleteSubscription(request.subscription);
      return {};
    }),
    ListSubscriptions: unaryHandler((request: { project?: string; pageSize?: number; pageToken?: string }) => {
      const page = paginate(store.listSubscriptions(request.project), request.pageSize, request.pageToken);
      return { subscriptions: page.items, nextPageToken: page.nextPageToken };
    }),
    ModifyPushConfig: unaryHandler((request: { subscription?: string; pushConfig?: PushConfigProto }) => {
      store.modifyPushConfig(request.subscription, request.pushConfig);
      return {};
    }),
    Pull: unaryHandler((request: PullRequest, call) => pullOnce(store, request, call)),
    Acknowledge: unaryHandler((request: AckRequest) => {
      acknowledge(store, store.subscription(request.subscription), requireAckIds(request.ackIds));
      return {};
    }),
    ModifyAckDeadline: unaryHandler((request: AckRequest) => {
      modifyAckDeadline(store, store.subscription(request.subscription), requireAckIds(request.ackIds), request.ackDeadlineSeconds);
      return {};
    }),
    StreamingPull: streamingPullHandler(store),
  };
}
