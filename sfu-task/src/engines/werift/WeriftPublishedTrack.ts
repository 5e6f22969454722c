/**
 * One track a client publishes on its werift producer connection: fans its RTP out to the consumer
 * senders subscribed to it, and sends PLIs to the publisher.
 */
import type { MediaStreamTrack, RTCRtpReceiver, RtpPacket } from 'werift';
import type { MediaKind, PublishedTrack, TrackSource } from '../MediaEngine.ts';

export type RtpSink = (rtp: RtpPacket) => void;

export class WeriftPublishedTrack implements PublishedTrack {
  readonly id: string;
  readonly kind: MediaKind;
  readonly peerId: string;
  private readonly sinks = new Set<RtpSink>();
  private readonly unsubscribe: () => void;
  private closed = false;
  /** Packets received from the publisher (for stats and tests). */
  packetsReceived = 0;
  /** The SSRC of the last packet (a simulcast layer's is in no SDP, and werift's track may not learn it). */
  private receivedSsrc: number | undefined;

  constructor(
    peerId: string,
    id: string,
    kind: MediaKind,
    private readonly track: MediaStreamTrack,
    private readonly receiver: RTCRtpReceiver,
    /** SSRC from the offer's a=ssrc line, until RTP tells it. */
    private readonly signaledSsrc: number | undefined,
    readonly source: TrackSource,
  ) {
    this.peerId = peerId;
    this.id = id;
    this.kind = kind;
    const { unSubscribe } = track.onReceiveRtp.subscribe((rtp) => {
      this.packetsReceived++;
      this.receivedSsrc = rtp.header.ssrc;
      for (const sink of this.sinks) sink(rtp);
    });
    this.unsubscribe = unSubscribe;
  }

  /** Subscribes a sink to every RTP packet of this track; returns the unsubscribe function. */
  addSink(sink: RtpSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  requestKeyframe(): void {
    if (this.closed || this.kind !== 'video') return;
    const ssrc = this.track.ssrc ?? this.receivedSsrc ?? this.signaledSsrc;
    if (ssrc === undefined) return;
    this.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.sinks.clear();
  }
}
