/**
 * One track a client publishes through the mediasoup engine: a Producer on the room router. Its
 * consumers register here so that keyframe requests reach the publisher (mediasoup sends the PLI
 * upstream when a consumer asks for a keyframe; a producer cannot be asked directly).
 */
import type { types } from 'mediasoup';
import type { MediaKind, PublishedTrack, TrackSource } from '../MediaEngine.ts';

export class MediasoupPublishedTrack implements PublishedTrack {
  readonly id: string;
  readonly kind: MediaKind;
  readonly peerId: string;
  private readonly consumers = new Set<types.Consumer>();

  constructor(
    peerId: string,
    id: string,
    readonly producer: types.Producer,
    /** The msid track id the client gave, if any. */
    readonly trackId: string | undefined,
    readonly source: TrackSource,
  ) {
    this.peerId = peerId;
    this.id = id;
    this.kind = producer.kind;
  }

  get closed(): boolean {
    return this.producer.closed;
  }

  addConsumer(consumer: types.Consumer): void {
    this.consumers.add(consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer));
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** A PLI to the publisher, through one of the track's running consumers. No-op for audio. */
  requestKeyframe(): void {
    if (this.kind !== 'video' || this.producer.closed) return;
    for (const consumer of this.consumers) {
      if (!consumer.closed && !consumer.paused) {
        consumer.requestKeyFrame().catch(() => undefined);
        return;
      }
    }
  }

  close(): void {
    if (!this.producer.closed) this.producer.close();
  }
}
