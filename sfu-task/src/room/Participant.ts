/** A client in the room: its publishing link (if it published) and its one receiving link (once it has something to receive). */
import type { PublishedTrack } from '../engines/MediaEngine.ts';
import type { ConsumerLink } from './ConsumerLink.ts';
import type { ProducerLink } from './ProducerLink.ts';

export class Participant {
  producer: ProducerLink | undefined;
  consumer: ConsumerLink | undefined;

  constructor(readonly id: string) {}

  /** Tracks this participant publishes (empty until its first offer is answered). */
  get tracks(): readonly PublishedTrack[] {
    return this.producer?.hasNegotiated ? this.producer.tracks : [];
  }

  close(): void {
    this.producer?.close();
    this.producer = undefined;
    this.consumer?.close();
    this.consumer = undefined;
  }
}
