/**
 * The narrow interface between the engine-free room logic (`room/`) and a media engine (werift or
 * mediasoup). An engine knows connections and RTP; it knows nothing of signaling, rooms or
 * who should receive whom.
 *
 * - ProducerConnection: a client's publishing connection. The client offers, the engine answers.
 * - ConsumerConnection: a client's one receiving connection: carries every remote participant's
 *   published tracks to it, each track's msid stream naming its publisher (protocol/mediaStream.ts).
 *   The engine offers, the client answers; offering again with another set of tracks renegotiates
 *   (new tracks get sections, tracks no longer given are stopped).
 * - Local ICE candidates come out as `candidate` events; the caller must not send them before the
 *   description they belong to (see room/CandidateGate.ts).
 * - Bad client input (garbage SDP, an offer without audio/video, a description of the wrong type)
 *   rejects with ClientInputError.
 */
import type { EventEmitter } from 'node:events';
import type { TrackSource } from '../../../protocol/mediaStream.ts';

export type { TrackSource };

export type MediaKind = 'audio' | 'video';

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

/** RTCIceCandidateInit; `candidate: ""` marks the end of candidates. */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** How a client shows one video it receives (device pixels; hidden: off screen or minimised). */
export interface VideoView {
  visible: boolean;
  width: number;
  height: number;
}

/** One connection's transport figures, as far as the engine knows them. */
export interface TransportStats {
  /** Bit rate the SFU sends on this connection. */
  sendKbps: number;
  /** Bit rate the SFU receives on this connection. */
  recvKbps: number;
  rttMs?: number;
  /** Of the media received on this connection, in percent. */
  lossPercent?: number;
  /** The engine's estimate of what it may send the client (transport-cc), in kbit/s. */
  availableKbps?: number;
}

export type ConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** A track a client publishes, as the engine received it. Opaque to the room beyond id and kind. */
export interface PublishedTrack {
  readonly id: string;
  readonly kind: MediaKind;
  /** The publishing participant. */
  readonly peerId: string;
  /** Microphone, camera (the publisher's first video section) or screen (a later one). */
  readonly source: TrackSource;
}

/** The source of a publisher's track of `kind`, given how many video tracks it published before it. */
export function trackSource(kind: MediaKind, earlierVideoTracks: number): TrackSource {
  if (kind === 'audio') return 'microphone';
  return earlierVideoTracks === 0 ? 'camera' : 'screen';
}

export type ConnectionEvents = {
  /** A local ICE candidate for the client. */
  candidate: [IceCandidate];
  statechange: [ConnectionState];
  /** Emitted once, by close() or when the transport dies for good. */
  close: [];
};

export type ConsumerConnectionEvents = ConnectionEvents & {
  /** The client asked for a keyframe (PLI or FIR) of this published track. */
  keyframerequest: [PublishedTrack];
};

interface Connection<Events extends ConnectionEvents & Record<keyof Events, unknown[]>> extends EventEmitter<Events> {
  /** The client this connection belongs to. */
  readonly peerId: string;
  readonly state: ConnectionState;
  readonly closed: boolean;
  /** A remote ICE candidate from the client (null or "" = end of candidates). Queued before the remote description. */
  addRemoteCandidate(candidate: IceCandidate | null): Promise<void>;
  /** Transport figures now (undefined: the engine has none, or no transport yet). */
  stats(): Promise<TransportStats | undefined>;
  close(): void;
}

export interface ProducerConnection extends Connection<ConnectionEvents> {
  /** Tracks published on this connection so far (grows with each accepted offer). */
  readonly tracks: readonly PublishedTrack[];
  /** Applies the client's (re)offer and returns the answer; an offer with new ICE credentials restarts ICE. */
  handleOffer(offer: SessionDescription): Promise<SessionDescription>;
  /** Asks the client's encoder for a keyframe of a video track (PLI). No-op for audio. */
  requestKeyframe(track: PublishedTrack): void;
}

export interface ConsumerConnection extends Connection<ConsumerConnectionEvents> {
  /**
   * Creates an offer sending exactly the given tracks (from any publishers), to be answered by the
   * client: tracks not sent yet get a section, tracks sent before and not given now are stopped.
   */
  createOffer(tracks: readonly PublishedTrack[]): Promise<SessionDescription>;
  handleAnswer(answer: SessionDescription): Promise<void>;
  /** New local ICE credentials (an ICE restart) in the next offer; the DTLS session stays. */
  restartIce(): Promise<void>;
  /**
   * How the client shows a video track it receives (it may come before the track is carried; it
   * applies once it is). An engine that forwards simulcast layers picks the layer for the size;
   * a hidden video is paused (nothing sent), and resumes with a keyframe when shown again.
   */
  setVideoView(track: PublishedTrack, view: VideoView): void;
}

export interface MediaEngine {
  readonly name: string;
  /** Whether it forwards simulcast layers (else a publisher's offer of layers is answered with one). */
  readonly simulcast: boolean;
  /**
   * Calls `listener` with the publisher whose microphone is the room's dominant speaker, each time it
   * changes. Engines without audio level observation never call it.
   */
  onDominantSpeaker(listener: (peerId: string) => void): void;
  createProducerConnection(peerId: string): ProducerConnection;
  /** The client's one receiving connection. */
  createConsumerConnection(peerId: string): ConsumerConnection;
  /** Closes every connection. */
  close(): Promise<void>;
}
