import http from 'node:http';
import https from 'node:https';
import type { PostAgents } from './httpPost';
import type { StoreListener, SubscriptionEntry } from './pubsubStore';
import { PushDeliverer } from './pushDeliverer';

export interface PushDeliveryOptions {
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly log: (line: string) => void;
}

/** Keeps one deliverer per push subscription, following create, ModifyPushConfig and delete. */
export class PushDelivery implements StoreListener {
  private readonly deliverers = new Map<SubscriptionEntry, PushDeliverer>();
  private readonly agents: PostAgents;

  constructor(private readonly options: PushDeliveryOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxInFlight };
    this.agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  }

  subscriptionChanged(entry: SubscriptionEntry): void {
    const isPush = Boolean(entry.proto.pushConfig?.pushEndpoint);
    const current = this.deliverers.get(entry);
    if (isPush && !current) {
      const deliverer = new PushDeliverer(entry, { ...this.options, agents: this.agents });
      this.deliverers.set(entry, deliverer);
      deliverer.start();
      this.options.log(`push delivery for ${entry.proto.name} to ${entry.proto.pushConfig?.pushEndpoint ?? ''}`);
    } else if (!isPush && current) {
      this.subscriptionDeleted(entry);
    }
  }

  subscriptionDeleted(entry: SubscriptionEntry): void {
    this.deliverers.get(entry)?.stop();
    this.deliverers.delete(entry);
  }

  close(): void {
    for (const deliverer of this.deliverers.values()) deliverer.stop();
    this.deliverers.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
