/** A client in the room: its publishing link (if it published) and its consumer links by remote peer. */
import type { PublishedTrack } from '../engines/MediaEngine.ts';
import type { ConsumerLink } from './ConsumerLink.ts';
import type { ProducerLink } from './ProducerLink.ts';

export class Participant {
  producer: ProducerLink | undefined;
  /** remotePeerId -> the connection carrying that participant's media to this one. */
  readonly consumers = new Map<string, ConsumerLink>();

  constructor(readonly id: string) {}

  /** Tracks this participant publishes (empty until its first offer is answered). */
  get tracks(): readonly PublishedTrack[] {
    return this.producer?.hasNegotiated ? this.producer.tracks : [];
  }

  close(): void {
    this.producer?.close();
    this.producer = undefined;
    for (const consumer of this.consumers.values()) consumer.close();
    this.consumers.clear();
  }
}
