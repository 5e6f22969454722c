/**
 * The narrow interface between the engine-free room logic (`room/`) and a media engine (werift or
 * mediasoup). An engine knows connections and RTP; it knows nothing of signaling, rooms or
 * who should receive whom.
 *
 * - ProducerConnection: a client's publishing connection. The client offers, the engine answers.
 * - ConsumerConnection: carries one remote participant's published tracks to one client. The engine
 *   offers, the client answers. Offering again (with more tracks) renegotiates.
 * - Local ICE candidates come out as `candidate` events; the caller must not send them before the
 *   description they belong to (see room/CandidateGate.ts).
 * - Bad client input (garbage SDP, an offer without audio/video, a description of the wrong type)
 *   rejects with ClientInputError.
 */
import type { EventEmitter } from 'node:events';

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

export type ConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** A track a client publishes, as the engine received it. Opaque to the room beyond id and kind. */
export interface PublishedTrack {
  readonly id: string;
  readonly kind: MediaKind;
  /** The publishing participant. */
  readonly peerId: string;
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
  close(): void;
}

export interface ProducerConnection extends Connection<ConnectionEvents> {
  /** Tracks published on this connection so far (grows with each accepted offer). */
  readonly tracks: readonly PublishedTrack[];
  /** Applies the client's (re)offer and returns the answer. */
  handleOffer(offer: SessionDescription): Promise<SessionDescription>;
  /** Asks the client's encoder for a keyframe of a video track (PLI). No-op for audio. */
  requestKeyframe(track: PublishedTrack): void;
}

export interface ConsumerConnection extends Connection<ConsumerConnectionEvents> {
  /** The participant whose media this connection carries. */
  readonly remotePeerId: string;
  /** Creates an offer sending every given track (the ones already sent stay), to be answered by the client. */
  createOffer(tracks: readonly PublishedTrack[]): Promise<SessionDescription>;
  handleAnswer(answer: SessionDescription): Promise<void>;
}

export interface MediaEngine {
  readonly name: string;
  createProducerConnection(peerId: string): ProducerConnection;
  createConsumerConnection(peerId: string, remotePeerId: string): ConsumerConnection;
  /** Closes every connection. */
  close(): Promise<void>;
}
