import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { paginate } from './paginate';
import type { PubSubStore } from './pubsubStore';
import type { PubsubMessage, TopicProto } from './pubsubTypes';
import { unaryHandler } from './unaryHandler';

interface ListRequest {
  readonly project?: string;
  readonly topic?: string;
  readonly pageSize?: number;
  readonly pageToken?: string;
}

/** google.pubsub.v1.Publisher: thin mapping of requests onto the store. */
export function publisherService(store: PubSubStore): UntypedServiceImplementation {
  return {
    CreateTopic: unaryHandler((request: TopicProto) => store.createTopic(request)),
    GetTopic: unaryHandler((request: { topic?: string }) => store.getTopic(request.topic)),
    DeleteTopic: unaryHandler((request: { topic?: string }) => {
      store.deleteTopic(request.topic);
      return {};
    }),
    ListTopics: unaryHandler((request: ListRequest) => {
      const page = paginate(store.listTopics(request.project), request.pageSize, request.pageToken);
      return { topics: page.items, nextPageToken: page.nextPageToken };
    }),
    ListTopicSubscriptions: unaryHandler((request: ListRequest) => {
      const page = paginate(store.listTopicSubscriptions(request.topic), request.pageSize, request.pageToken);
      return { subscriptions: page.items, nextPageToken: page.nextPageToken };
    }),
    Publish: unaryHandler((request: { topic?: string; messages?: PubsubMessage[] }) => ({
      messageIds: store.publish(request.topic, request.messages),
    })),
  };
}
