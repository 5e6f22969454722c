/**
 * What the call screen renders: the call's state, and the store that holds it (for
 * useSyncExternalStore). The session and its parts change it; the UI only reads it.
 */
import type { ConnectionQuality, VideoView } from '../../../protocol/index.ts';
import type { ParticipantFeatures, RoomAccessPolicy } from '../../../protocol/index.ts';
import type { JoinProgress } from '../api/joinRoom.ts';
import type { LinkQuality } from '../media/linkQuality.ts';
import type { LocalMedia } from './localMedia.ts';

export type Phase = 'joining' | 'connecting' | 'in-call' | 'reconnecting' | 'closed' | 'left' | 'error';

export interface RemoteParticipant {
  id: string;
  displayName: string;
  features: ParticipantFeatures;
  camera: MediaStream | undefined;
  screen: MediaStream | undefined;
}

export interface ChatLine {
  from: string;
  /** The sender's participant id (one's own for one's own lines). */
  fromId: string;
  text: string;
  at: number;
  mine: boolean;
}

export interface CallState {
  phase: Phase;
  progress: JoinProgress | undefined;
  error: string | undefined;
  notice: string | undefined;
  roomId: string | undefined;
  selfId: string | undefined;
  local: MediaStream | undefined;
  localScreen: MediaStream | undefined;
  features: Required<ParticipantFeatures>;
  participants: RemoteParticipant[];
  chat: ChatLine[];
  closedReason: string | undefined;
  /** Who may join: anyone with the URL, or ticket holders only. */
  access: RoomAccessPolicy;
  /** This participant's claim bound the room to its URL: it may change `access`. */
  creator: boolean;
  /** The room's URL path (known after joining; from the ticket when joining by one). */
  urlPath: string | undefined;
  /** What to call the room instead of its path (a call's: "Call with Alice"). */
  title: string | undefined;
  /** Ids speaking now (one's own among them while one speaks), from audio levels. */
  speaking: string[];
  /**
   * The remote participant the speaker view shows large: the loudest, with hysteresis, from the
   * audio levels this client measures (call/SpeakerMonitor.ts), unless setDominantSpeaker() took over.
   */
  dominantSpeakerId?: string;
  /** Each remote participant's connection, from the receiving connection's stats (call/QualityMonitor.ts). */
  quality: Record<string, LinkQuality>;
  /** This client's own connection as the SFU sees it (mediasoup; every few seconds). */
  sfuQuality: ConnectionQuality | undefined;
  /** Short notices (someone joined or left), newest last; each goes by itself after a few seconds. */
  toasts: Toast[];
  /** The camera and microphone in use (their tracks' settings) and the speaker chosen. */
  devices: { audioInputId?: string; videoInputId?: string; audioOutputId?: string };
}

export interface Toast {
  id: number;
  text: string;
}

/** What the pre-join screen settled: its camera and microphone (handed over, not opened again) and what to join with off. */
export interface JoinChoice {
  /** The pre-join screen's camera and microphone, opened or still opening. */
  media?: LocalMedia | Promise<LocalMedia>;
  audioOff: boolean;
  videoOff: boolean;
}

/** A video as the layout shows it, for layer selection: its size on screen (CSS pixels) and whether it is seen at all. */
export type { VideoView };

/** Where the call comes from: the room's URL, or a share ticket. */
export type JoinSource = { kind: 'path'; urlPath: string } | { kind: 'ticket'; ticketId: string };

export const initialCallState: CallState = {
  phase: 'joining',
  progress: undefined,
  error: undefined,
  notice: undefined,
  roomId: undefined,
  selfId: undefined,
  local: undefined,
  localScreen: undefined,
  features: { audioMuted: false, videoMuted: false, screenSharing: false, handRaised: false },
  participants: [],
  chat: [],
  closedReason: undefined,
  access: 'open',
  creator: false,
  urlPath: undefined,
  title: undefined,
  speaking: [],
  quality: {},
  sfuQuality: undefined,
  toasts: [],
  devices: {},
};

/** The call's state and who listens to it. */
export class CallStore {
  private current: CallState = initialCallState;
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): CallState => this.current;

  get state(): CallState {
    return this.current;
  }

  set(patch: Partial<CallState>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }
}
