/** The werift media engine: pure TypeScript WebRTC, the engine of the local stack and of the tests. */
import type { RTCPeerConnectionConfig } from 'werift';
import type { ConsumerConnection, MediaEngine, ProducerConnection } from '../MediaEngine.ts';
import { GatherLock } from './gatherLock.ts';
import { type WeriftNetworkOptions, weriftPeerConfig } from './peerConfig.ts';
import { WeriftConsumerConnection } from './WeriftConsumerConnection.ts';
import { WeriftProducerConnection } from './WeriftProducerConnection.ts';

export class WeriftEngine implements MediaEngine {
  readonly name = 'werift';
  /** werift forwards one stream per track: a publisher's offer of simulcast layers is answered with one. */
  readonly simulcast = false;
  private readonly config: RTCPeerConnectionConfig;
  private readonly gatherLock = new GatherLock();
  private readonly connections = new Set<WeriftProducerConnection | WeriftConsumerConnection>();

  constructor(network: WeriftNetworkOptions) {
    this.config = weriftPeerConfig(network);
  }

  createProducerConnection(peerId: string): ProducerConnection {
    return this.track(new WeriftProducerConnection(peerId, this.config, this.gatherLock));
  }

  createConsumerConnection(peerId: string): ConsumerConnection {
    return this.track(new WeriftConsumerConnection(peerId, this.config, this.gatherLock));
  }

  /** werift does not observe audio levels: the dominant speaker is mediasoup's (README, SFU engines). */
  onDominantSpeaker(): void {}

  /** Open connections (for stats and tests). */
  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.close();
  }

  private track<T extends WeriftProducerConnection | WeriftConsumerConnection>(connection: T): T {
    this.connections.add(connection);
    connection.once('close', () => this.connections.delete(connection));
    return connection;
  }
}
