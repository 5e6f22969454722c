/**
 * One person's call: the join flow, signaling, local media, the two media connections (the producer,
 * and one consumer connection carrying everyone else), and the state the UI renders (a store for
 * useSyncExternalStore). Each step of the join is marked on the join timeline (joinTimeline.ts).
 *
 * The call recovers by itself (recoveryLog.ts marks each step): a media connection that breaks while
 * signaling is up restarts ICE (connectionWatch.ts); when that does not bring it back, or the room
 * closes because its server went away, the call rejoins its URL as a newcomer would, in the phase
 * 'reconnecting', keeping its local media, mute states, screen share, name and chat.
 */
import type {
  ConnectionQuality,
  EventFrame,
  HandshakeData,
  IdentifiedFrame,
  ParticipantFeatures,
  RoomAccessPolicy,
  RoomAccessResponse,
  ServerFrame,
  VideoView,
} from '../../../protocol/index.ts';
import { type JoinProgress, joinRoom } from '../api/joinRoom.ts';
import { keptAccess, roomKey } from '../api/keptAccess.ts';
import { ticketAccess } from '../api/ticketAccess.ts';
import { ApiError, RoomsApi, UnreachableError } from '../api/roomsApi.ts';
import type { ClientConfig } from '../config.ts';
import { watchConnection } from '../media/connectionWatch.ts';
import { ConsumerLink } from '../media/ConsumerLink.ts';
import { ProducerLink } from '../media/ProducerLink.ts';
import { SignalingClient } from '../signaling/SignalingClient.ts';
import type { LinkQuality } from '../media/linkQuality.ts';
import { markJoin } from './joinTimeline.ts';
import { deviceOf, type LocalMedia, openLocalMedia, openTrack } from './localMedia.ts';
import { loadPreferences, savePreferences } from './preferences.ts';
import { QualityMonitor } from './QualityMonitor.ts';
import { markRecovery } from './recoveryLog.ts';
import { SpeakerMonitor } from './SpeakerMonitor.ts';

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
  /** Short notices (someone joined or left), newest last; each goes by itself after a few seconds. */
  toasts: Toast[];
  /** The camera and microphone in use (their tracks' settings) and the speaker chosen. */
  devices: { audioInputId?: string; videoInputId?: string; audioOutputId?: string };
  /** This client's own connection as the SFU sees it (mediasoup; every few seconds). */
  sfuQuality: ConnectionQuality | undefined;
}

export interface Toast {
  id: number;
  text: string;
}

/** What the pre-join screen settled: its camera and microphone (handed over, not opened again) and what to join with off. */
export interface JoinChoice {
  media?: LocalMedia;
  audioOff: boolean;
  videoOff: boolean;
}

/** A video as the layout shows it, for layer selection: its size on screen and whether it is seen at all. */
export type { VideoView };

const TOAST_MS = 4000;

/** Where the call comes from: the room's URL, or a share ticket. */
export type JoinSource = { kind: 'path'; urlPath: string } | { kind: 'ticket'; ticketId: string };

const initial: CallState = {
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
  toasts: [],
  devices: {},
  sfuQuality: undefined,
};

/** `?simulcast=off` publishes the camera as one full-size stream (for comparing, and for debugging). */
const simulcastWanted = () => typeof location === 'undefined' || new URLSearchParams(location.search).get('simulcast') !== 'off';

export class CallSession {
  private state: CallState = initial;
  private readonly listeners = new Set<() => void>();
  private readonly api: RoomsApi;
  private signaling: SignalingClient | undefined;
  private producer: ProducerLink | undefined;
  private consumer: ConsumerLink | undefined;
  private readonly names = new Map<string, string>();
  /** Participants that left (peer ids are never reused): their late tracks bring no tile back. */
  private readonly departed = new Set<string>();
  private media: LocalMedia | undefined;
  private mediaReady: Promise<LocalMedia> | undefined;
  private version = 0;
  private roomId = '';
  private selfId = '';
  private disposed = false;
  /** A rejoin in progress (a server gone and a failed connection may both ask for one). */
  private rejoining: Promise<void> | undefined;
  /** Stops watching the media connections. */
  private readonly unwatch: (() => void)[] = [];
  private speakers: SpeakerMonitor | undefined;
  private qualityMonitor: QualityMonitor | undefined;
  /** Set once the SFU names the dominant speaker: the client's own guess then stays out. */
  private dominantFromServer = false;
  private views: VideoView[] = [];
  private toastSeq = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** The latest views as sent to the SFU. */
  private viewsSent = '';

  private urlPath: string;
  private token = '';

  constructor(
    private readonly config: ClientConfig,
    private readonly source: JoinSource,
    private readonly displayName: string,
    /** From the pre-join screen; without one, the remembered devices and choices. */
    private readonly choice?: JoinChoice,
  ) {
    this.api = new RoomsApi(config.apiUrl);
    this.urlPath = source.kind === 'path' ? source.urlPath : '';
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): CallState => this.state;

  /** Joins: finds, claims or starts the room, then connects media and signaling. */
  async start(): Promise<void> {
    const prefs = loadPreferences();
    this.set({ ...initial, phase: 'joining', devices: { ...(prefs.audioOutputId && { audioOutputId: prefs.audioOutputId }) } });
    (globalThis as { __callSession?: CallSession }).__callSession = this; // for tests, and for a look from the console
    const audioOff = this.choice?.audioOff ?? prefs.joinAudioOff;
    const videoOff = this.choice?.videoOff ?? prefs.joinVideoOff;
    // camera and microphone (the pre-join screen's, else opened now) while the room is found and signaling connects
    const opened = this.choice?.media ? Promise.resolve(this.choice.media) : openLocalMedia({ audioId: prefs.audioInputId, videoId: prefs.videoInputId });
    this.mediaReady = opened.then((media) => {
      markJoin('media-open');
      this.media = media;
      if (this.disposed) this.stopLocal();
      if (media.audio) media.audio.enabled = !audioOff;
      if (media.video) media.video.enabled = !videoOff;
      for (const track of [media.audio, media.video]) if (track) this.watchTrack(track);
      // a missing device shows to the others as muted / camera off
      this.set({
        local: media.stream,
        notice: media.problem,
        features: { ...this.state.features, audioMuted: !media.audio || audioOff, videoMuted: !media.video || videoOff },
        devices: this.devicesInUse(),
      });
      return media;
    });
    let access: RoomAccessResponse;
    try {
      if (this.source.kind === 'ticket') {
        const redeemed = await ticketAccess(this.api, this.source.ticketId);
        this.urlPath = redeemed.urlPath;
        access = redeemed;
      } else {
        // access this tab was given for the path (a call it made or accepted), else the join flow
        const kept = keptAccess(roomKey(this.urlPath));
        if (kept) this.set({ title: kept.title });
        access = kept?.access ?? (await joinRoom(this.api, this.urlPath, { onProgress: (progress) => this.set({ progress }) }));
      }
    } catch (error) {
      void this.mediaReady.then(() => this.stopLocal());
      return this.fail(error);
    }
    markJoin('room-found');
    if (this.disposed) return;
    this.connect(access);
  }

  /** Signaling to the room `access` is for; media starts once identified. */
  private connect(access: RoomAccessResponse): void {
    this.roomId = access.roomId;
    this.selfId = access.peerId;
    this.token = access.token;
    // a rejoin stays 'reconnecting' (the call screen, with its banner) until identified
    this.set({ phase: this.state.phase === 'reconnecting' ? 'reconnecting' : 'connecting', roomId: access.roomId, selfId: access.peerId, creator: access.creator === true, urlPath: this.urlPath });

    const signaling = new SignalingClient(this.config.webSocketUrl, access.token, {
      id: access.peerId,
      roomId: access.roomId,
      type: 'client',
      ...(this.displayName && { displayName: this.displayName }),
    });
    this.signaling = signaling;
    const current = () => this.signaling === signaling;
    signaling.on('open', () => markJoin('socket-open'));
    signaling.on('frame', (frame) => {
      if (current()) void this.onFrame(frame).catch((e: unknown) => console.warn('frame handling failed', e));
    });
    signaling.on('state', (s) => {
      if (current() && s === 'reconnecting' && this.state.phase === 'in-call') this.set({ phase: 'reconnecting' });
    });
    signaling.on('unauthorized', () => {
      if (!current()) return;
      // the token expired: a fresh one for the same room (a new peer id: we rejoin as new)
      void this.api.getRoomId(this.urlPath).then((fresh) => {
        if (fresh.roomId !== this.roomId) return;
        this.token = fresh.token;
        signaling.setToken(fresh.token);
      }, () => undefined);
    });
    signaling.connect();
    // closing the tab is leaving: say so, so the others do not wait for a reconnect
    addEventListener('pagehide', this.onPageHide);
  }

  /**
   * Joins the call's URL again as a newcomer (getRoomId, claimRoom, createRoom: claims are atomic, so
   * everyone who does this lands in the same new room), keeping local media, mute states, the screen
   * share, the name and the chat. Once at a time.
   */
  private rejoin(why: 'server-gone' | 'media-failed'): Promise<void> {
    if (this.rejoining || this.disposed || this.state.phase === 'left') return this.rejoining ?? Promise.resolve();
    markRecovery('rejoin-started', why);
    this.rejoining = (async () => {
      this.closeConnections();
      this.version = 0;
      this.departed.clear();
      this.set({ phase: 'reconnecting', participants: [], progress: undefined });
      let access: RoomAccessResponse;
      try {
        access = await joinRoom(this.api, this.urlPath, { onProgress: (progress) => this.set({ progress }) });
      } catch (error) {
        if (!this.disposed) {
          this.stopLocal();
          this.fail(error);
        }
        return;
      }
      if (this.disposed) return;
      this.connect(access);
    })().finally(() => {
      this.rejoining = undefined;
    });
    return this.rejoining;
  }

  /** Restarts ICE on a broken media connection, if signaling is up to carry the new credentials. */
  private restartIce(kind: 'producer' | 'consumer'): void {
    if (this.signaling?.current !== 'open') return;
    markRecovery('ice-restart', kind);
    if (kind === 'producer') void this.producer?.restartIce();
    else this.sendHandshake({ type: 'consumer', iceRestart: true });
  }

  private watch(kind: 'producer' | 'consumer', pc: RTCPeerConnection): void {
    this.unwatch.push(
      watchConnection(pc, {
        onRestart: () => this.restartIce(kind),
        onGiveUp: () => {
          markRecovery('media-failed', kind);
          void this.rejoin('media-failed');
        },
      }),
    );
  }

  private readonly onPageHide = () => this.signaling?.close();

  private async onIdentified(frame: IdentifiedFrame): Promise<void> {
    markJoin('identified');
    if (this.state.phase === 'reconnecting' && !this.producer) markRecovery('rejoined', this.roomId);
    if (this.producer && frame.resumed) {
      // a reconnect within the server's grace: media connections are intact
      this.set({ phase: 'in-call' });
      return;
    }
    if (this.producer) {
      // back after the grace ran out: the server saw us leave, so media starts over
      this.producer.close();
      this.producer = undefined;
      this.consumer?.close();
      this.consumer = undefined;
      this.set({ participants: [] });
    }
    // the room's state (names, mute states) arrives while media starts
    void this.api.roomState(this.roomId, this.token).then((state) => {
      this.version = Math.max(this.version, state.version);
      this.set({ access: state.access });
      for (const p of state.participants) if (p.id !== this.selfId) this.upsert(p.id, p.displayName, p.features);
    }, () => undefined);
    this.set({ phase: 'in-call' });
    const media = await this.mediaReady!;
    if (this.disposed) return;
    this.startMonitors();
    this.producer = new ProducerLink(this.config.iceServers, (data) => this.sendHandshake(data), simulcastWanted());
    this.watch('producer', this.producer.pc);
    await this.producer.start(media.stream, media.audio, media.video);
    const { audioMuted, videoMuted, screenSharing, handRaised } = this.state.features;
    if (audioMuted || videoMuted || screenSharing || handRaised) {
      // the others learn our state (a missing device, a mute from before a rejoin)
      if (this.state.localScreen) {
        const track = this.state.localScreen.getVideoTracks()[0];
        if (track) await this.producer.shareScreen(track, this.state.localScreen);
      }
      this.sendFeatures();
    }
  }

  /** The creator switches the room between open to anyone with its URL and ticket holders only. */
  async setAccess(access: RoomAccessPolicy): Promise<void> {
    try {
      const updated = await this.api.setAccess(this.roomId, this.token, access);
      this.set({ access: updated.access });
    } catch (error) {
      this.set({ notice: `Could not change who may join: ${(error as Error).message}` });
    }
  }

  /**
   * The link to share: the room's URL for an open room, a fresh share ticket (valid a day) for a
   * ticket-only one.
   */
  async shareLink(): Promise<string> {
    if (this.state.access !== 'ticket') return `${location.origin}/${encodeURIComponent(this.urlPath)}`;
    const ticket = await this.api.createTicket(this.roomId, this.token, 86_400);
    return ticket.url;
  }

  private async onFrame(frame: ServerFrame): Promise<void> {
    switch (frame.type) {
      case 'identified':
        return this.onIdentified(frame);
      case 'handshake':
        return this.onHandshake(frame.data);
      case 'event':
        return this.onEvent(frame);
      case 'message':
        if (frame.data.kind === 'chat') {
          this.set({ chat: [...this.state.chat, { from: this.nameOf(frame.sender), fromId: frame.sender, text: frame.data.text, at: Date.now(), mine: false }] });
        } else {
          if (frame.version !== undefined) this.version = Math.max(this.version, frame.version);
          const p = this.state.participants.find((x) => x.id === frame.sender);
          this.upsert(frame.sender, p?.displayName, { ...p?.features, ...frame.data.features });
        }
        return;
      case 'error':
        if (frame.status >= 500 || frame.action === 'identify') this.set({ notice: `Signaling: ${frame.message}` });
        return;
      default:
        return;
    }
  }

  private async onHandshake(data: HandshakeData): Promise<void> {
    const error = (data as { error?: { message?: string } }).error;
    if (error) {
      if (data.type === 'producer') this.producer?.answerRefused();
      this.set({ notice: `Media server: ${error.message ?? 'error'}` });
      return;
    }
    if (data.type === 'producer') {
      if (data.description?.type === 'answer') await this.producer?.handleAnswer(data.description as RTCSessionDescriptionInit);
      else if (data.candidate) await this.producer?.addRemoteCandidate(data.candidate as RTCIceCandidateInit);
      return;
    }
    // what the SFU tells about the room and this client's connection
    if (data.dominantSpeaker !== undefined) this.setDominantSpeaker(data.dominantSpeaker ?? undefined);
    if (data.quality) this.set({ sfuQuality: data.quality });
    if (!data.description && !data.candidate) return;
    // the one consumer connection, made with the SFU's first offer
    if (!this.consumer) {
      this.consumer = new ConsumerLink(this.config.iceServers, (d) => this.sendHandshake(d), (peerId) => this.refreshStreams(peerId));
      this.watch('consumer', this.consumer.pc);
      this.viewsSent = '';
    }
    const link = this.consumer;
    if (data.description?.type === 'offer') {
      await link.handleOffer(data.description as RTCSessionDescriptionInit);
      this.sendViews(); // views reported before this connection existed
    }
    else if (data.candidate) await link.addRemoteCandidate(data.candidate as RTCIceCandidateInit);
  }

  private onEvent({ event }: EventFrame): void {
    if (event.version <= this.version && event.type !== 'RoomClosedEvent') return; // already known
    this.version = Math.max(this.version, event.version);
    switch (event.type) {
      case 'ParticipantJoinedEvent':
        if (event.participant.id === this.selfId) return;
        if (!this.state.participants.some((p) => p.id === event.participant.id)) {
          if (event.participant.displayName) this.names.set(event.participant.id, event.participant.displayName);
          this.toast(`${this.nameOf(event.participant.id)} joined`);
        }
        this.upsert(event.participant.id, event.participant.displayName, event.participant.features);
        return;
      case 'ParticipantUpdatedEvent':
        this.upsert(event.participant.id, event.participant.displayName, event.participant.features);
        return;
      case 'ParticipantLeftEvent':
        if (this.state.participants.some((p) => p.id === event.participantId)) this.toast(`${this.nameOf(event.participantId)} left`);
        this.departed.add(event.participantId);
        this.consumer?.forget(event.participantId);
        this.set({ participants: this.state.participants.filter((p) => p.id !== event.participantId) });
        return;
      case 'RoomClosedEvent':
        if (event.cause === 'server-gone') {
          // the room's server crashed or was stopped: the call carries on in a new room at the same URL
          markRecovery('server-gone', event.roomId);
          void this.rejoin('server-gone');
          return;
        }
        this.teardown();
        this.set({ phase: 'closed', closedReason: event.reason });
        return;
    }
  }

  private upsert(id: string, displayName: string | undefined, features: ParticipantFeatures): void {
    if (displayName) this.names.set(id, displayName);
    const next: RemoteParticipant = {
      id,
      displayName: this.nameOf(id),
      features,
      camera: this.consumer?.camera(id),
      screen: this.consumer?.screen(id),
    };
    const others = this.state.participants.filter((p) => p.id !== id);
    const index = this.state.participants.findIndex((p) => p.id === id);
    const participants = index < 0 ? [...others, next] : this.state.participants.map((p) => (p.id === id ? next : p));
    this.set({ participants });
  }

  private refreshStreams(id: string): void {
    if (id === this.selfId || this.departed.has(id)) return;
    const p = this.state.participants.find((x) => x.id === id);
    this.upsert(id, p?.displayName, p?.features ?? {});
  }

  private nameOf(id: string): string {
    return this.names.get(id) ?? `Guest ${id.slice(0, 4)}`;
  }

  private sendHandshake(data: Omit<HandshakeData, 'sender' | 'roomId'>): void {
    this.signaling?.send({ action: 'handshake', data: { ...data, sender: this.selfId, roomId: this.roomId } });
  }

  private sendFeatures(): void {
    this.signaling?.send({ action: 'message', data: { kind: 'features', features: this.state.features } });
  }

  toggleAudio(): void {
    if (!this.media?.audio) return this.set({ notice: 'There is no microphone to unmute: allow access and rejoin.' });
    const audioMuted = !this.state.features.audioMuted;
    if (this.media?.audio) this.media.audio.enabled = !audioMuted;
    this.set({ features: { ...this.state.features, audioMuted } });
    this.sendFeatures();
  }

  toggleVideo(): void {
    if (!this.media?.video) return this.set({ notice: 'There is no camera to turn on: allow access and rejoin.' });
    const videoMuted = !this.state.features.videoMuted;
    if (this.media?.video) this.media.video.enabled = !videoMuted;
    this.set({ features: { ...this.state.features, videoMuted } });
    this.sendFeatures();
  }

  /** Raises or lowers one's hand: a feature like mute, so it is in the room's state for whoever joins later. */
  toggleHand(): void {
    this.set({ features: { ...this.state.features, handRaised: !this.state.features.handRaised } });
    this.sendFeatures();
  }

  async toggleScreen(): Promise<void> {
    if (this.state.features.screenSharing) return this.stopScreen();
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      this.set({ notice: 'Screen sharing was cancelled or is not allowed.' });
      return;
    }
    const track = stream.getVideoTracks()[0]!;
    // stopping from the browser's own "Stop sharing" bar ends the track
    track.addEventListener('ended', () => void this.stopScreen());
    await this.producer?.shareScreen(track, stream);
    this.set({ localScreen: stream, features: { ...this.state.features, screenSharing: true } });
    this.sendFeatures();
  }

  private async stopScreen(): Promise<void> {
    if (!this.state.features.screenSharing) return;
    this.state.localScreen?.getTracks().forEach((t) => t.stop());
    await this.producer?.stopScreen();
    this.set({ localScreen: undefined, features: { ...this.state.features, screenSharing: false } });
    this.sendFeatures();
  }

  /** Switches camera or microphone in place (replaceTrack: no renegotiation), and remembers the choice. */
  async useDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const track = await openTrack(kind, deviceId).catch(() => undefined);
    if (!track || !this.media) {
      this.set({ notice: `That ${kind === 'audio' ? 'microphone' : 'camera'} could not be opened.` });
      return;
    }
    await this.swapTrack(kind, track);
    savePreferences(kind === 'audio' ? { audioInputId: deviceOf(track) ?? deviceId } : { videoInputId: deviceOf(track) ?? deviceId });
  }

  /** Plays everyone's audio on this output device (setSinkId in each tile), and remembers it. */
  setAudioOutput(deviceId: string): void {
    this.set({ devices: { ...this.state.devices, audioOutputId: deviceId } });
    savePreferences({ audioOutputId: deviceId });
  }

  private async swapTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    const media = this.media!;
    const old = kind === 'audio' ? media.audio : media.video;
    if (old) {
      media.stream.removeTrack(old);
      old.stop();
    }
    // a device chosen where there was none unmutes it; otherwise the mute state stays
    const wasMissing = !old;
    track.enabled = !(kind === 'audio' ? this.state.features.audioMuted : this.state.features.videoMuted) || wasMissing;
    media.stream.addTrack(track);
    if (kind === 'audio') media.audio = track;
    else media.video = track;
    this.watchTrack(track);
    await this.producer?.replace(kind, track);
    const features = !wasMissing ? this.state.features : { ...this.state.features, ...(kind === 'audio' ? { audioMuted: !track.enabled } : { videoMuted: !track.enabled }) };
    this.set({ local: new MediaStream(media.stream.getTracks()), devices: this.devicesInUse(), features });
    if (features !== this.state.features || wasMissing) this.sendFeatures();
  }

  /** A camera or microphone that ends by itself was unplugged (or taken away): fall back to the default one, and say so. */
  private watchTrack(track: MediaStreamTrack): void {
    track.addEventListener('ended', () => void this.deviceLost(track));
  }

  private async deviceLost(track: MediaStreamTrack): Promise<void> {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    const media = this.media;
    if (this.disposed || !media || (kind === 'audio' ? media.audio : media.video) !== track) return;
    const what = kind === 'audio' ? 'microphone' : 'camera';
    const lostLabel = track.label || `Your ${what}`;
    const next = await openTrack(kind).catch(() => undefined);
    if (next && next.readyState === 'live' && (kind === 'audio' ? media.audio : media.video) === track) {
      await this.swapTrack(kind, next);
      this.set({ notice: `${lostLabel} was disconnected: now using ${next.label || `the default ${what}`}.` });
      return;
    }
    next?.stop();
    media.stream.removeTrack(track);
    if (kind === 'audio') media.audio = undefined;
    else media.video = undefined;
    await this.producer?.replace(kind, null);
    this.set({
      local: new MediaStream(media.stream.getTracks()),
      devices: this.devicesInUse(),
      features: { ...this.state.features, ...(kind === 'audio' ? { audioMuted: true } : { videoMuted: true }) },
      notice: `${lostLabel} was disconnected and there is no other ${what}: connect one and choose it in Devices.`,
    });
    this.sendFeatures();
  }

  private devicesInUse(): CallState['devices'] {
    const audioInputId = deviceOf(this.media?.audio);
    const videoInputId = deviceOf(this.media?.video);
    const { audioOutputId } = this.state.devices;
    return { ...(audioInputId && { audioInputId }), ...(videoInputId && { videoInputId }), ...(audioOutputId && { audioOutputId }) };
  }

  /**
   * The dominant speaker as the SFU names it (its active-speaker events, once it sends them): from
   * then on this client's own guess from audio levels stays out of `dominantSpeakerId`.
   */
  setDominantSpeaker(peerId: string | undefined): void {
    this.dominantFromServer = true;
    this.set({ dominantSpeakerId: peerId });
  }

  private startMonitors(): void {
    this.speakers ??= new SpeakerMonitor(
      () => {
        const tracks = this.consumer?.audioTracks() ?? new Map<string, MediaStreamTrack>();
        for (const p of this.state.participants) if (p.features.audioMuted) tracks.delete(p.id);
        for (const id of tracks.keys()) if (this.departed.has(id)) tracks.delete(id);
        return tracks;
      },
      () => (this.media?.audio && !this.state.features.audioMuted ? { id: this.selfId, track: this.media.audio } : undefined),
      ({ speaking, dominant }) => this.set({ speaking, ...(!this.dominantFromServer && { dominantSpeakerId: dominant }) }),
    );
    this.speakers.start();
    this.qualityMonitor ??= new QualityMonitor(
      () => this.consumer?.pc,
      (trackId) => this.consumer?.ownerOfTrack(trackId),
      (quality) => this.set({ quality }),
    );
    this.qualityMonitor.start();
  }

  private toast(text: string): void {
    const id = ++this.toastSeq;
    this.set({ toasts: [...this.state.toasts.slice(-2), { id, text }] });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.set({ toasts: this.state.toasts.filter((t) => t.id !== id) });
    }, TOAST_MS);
    this.timers.add(timer);
  }

  sendChat(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (this.signaling?.send({ action: 'message', data: { kind: 'chat', text: trimmed.slice(0, 2000) } })) {
      this.set({ chat: [...this.state.chat, { from: 'You', fromId: this.selfId, text: trimmed, at: Date.now(), mine: true }] });
    } else {
      this.set({ notice: 'Not connected: the message was not sent.' });
    }
  }

  /**
   * How the page shows each remote video (CSS pixels; hidden ones too): the SFU picks each one's
   * simulcast layer from it and pauses those nobody sees. Sent when it changes.
   */
  reportVideoViews(views: VideoView[]): void {
    this.views = [...views].sort((a, b) => `${a.peerId}/${a.source}`.localeCompare(`${b.peerId}/${b.source}`));
    this.sendViews();
  }

  /** The latest views the layout reported. */
  get videoViews(): readonly VideoView[] {
    return this.views;
  }

  private sendViews(): void {
    const json = JSON.stringify(this.views);
    if (!this.consumer || json === this.viewsSent) return;
    // the SFU takes device pixels, whole ones (a tile is laid out in CSS pixels)
    const scale = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
    const videoViews = this.views.map((v) => ({ ...v, width: Math.round(v.width * scale), height: Math.round(v.height * scale) }));
    if (this.signaling?.send({ action: 'handshake', data: { type: 'consumer', videoViews, sender: this.selfId, roomId: this.roomId } })) this.viewsSent = json;
  }

  /** Shows a notice (a failed action the UI started). */
  notify(notice: string): void {
    this.set({ notice });
  }

  dismissNotice(): void {
    this.set({ notice: undefined });
  }

  leave(): void {
    this.teardown();
    this.set({ phase: 'left' });
  }

  dispose(): void {
    this.disposed = true;
    this.teardown();
  }

  private teardown(): void {
    this.closeConnections();
    this.stopLocal();
    // these outlive a rejoin (they read the connections of the moment), not the call
    this.speakers?.close();
    this.speakers = undefined;
    this.qualityMonitor?.close();
    this.qualityMonitor = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Signaling and both media connections go; local media stays. */
  private closeConnections(): void {
    removeEventListener('pagehide', this.onPageHide);
    for (const stop of this.unwatch.splice(0)) stop();
    this.signaling?.close();
    this.signaling = undefined;
    this.producer?.close();
    this.producer = undefined;
    this.consumer?.close();
    this.consumer = undefined;
  }

  private stopLocal(): void {
    this.media?.stream.getTracks().forEach((t) => t.stop());
    this.state.localScreen?.getTracks().forEach((t) => t.stop());
  }

  private fail(error: unknown): void {
    const ticket = this.source.kind === 'ticket';
    const message =
      error instanceof UnreachableError
        ? 'The server cannot be reached. Check your connection and try again.'
        : error instanceof ApiError && ticket && (error.status === 404 || error.status === 400)
          ? 'This invitation link is not valid. Ask for a new one.'
          : error instanceof ApiError && ((ticket && error.status === 410) || error.status === 403)
            ? `${error.message}.`.replace(/\.\.$/, '.')
            : error instanceof ApiError
              ? `The server refused: ${error.message}`
              : (error as Error).message;
    this.set({ phase: 'error', error: message });
  }

  private set(patch: Partial<CallState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
