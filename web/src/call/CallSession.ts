/**
 * One person's call: the join flow (the ticket, the tab's kept access, or getRoomId / claimRoom /
 * createRoom), signaling, the two media connections (the producer, and one consumer connection
 * carrying everyone else), how the room's frames and events change the call, and how it closes.
 * Its parts: the state the UI renders (callState.ts), the other participants (Roster.ts), one's own
 * camera, microphone and screen (LocalDevices.ts), who speaks and how well media arrives
 * (SpeakerMonitor.ts, QualityMonitor.ts). Each step of the join is marked on the join timeline
 * (joinTimeline.ts).
 *
 * The call recovers by itself (recoveryLog.ts marks each step): a media connection that breaks while
 * signaling is up restarts ICE (connectionWatch.ts); when that does not bring it back, or the room
 * closes because its server went away, the call rejoins its URL as a newcomer would, in the phase
 * 'reconnecting', keeping its local media, mute states, screen share, name and chat.
 */
import type { EventFrame, HandshakeData, IdentifiedFrame, RoomAccessPolicy, RoomAccessResponse, ServerFrame } from '../../../protocol/index.ts';
import { joinRoom } from '../api/joinRoom.ts';
import { keptAccess, roomKey } from '../api/keptAccess.ts';
import { ticketAccess } from '../api/ticketAccess.ts';
import { ApiError, RoomsApi, UnreachableError } from '../api/roomsApi.ts';
import type { ClientConfig } from '../config.ts';
import { watchConnection } from '../media/connectionWatch.ts';
import { ConsumerLink } from '../media/ConsumerLink.ts';
import { ProducerLink } from '../media/ProducerLink.ts';
import { SignalingClient } from '../signaling/SignalingClient.ts';
import { type CallState, CallStore, type JoinChoice, type JoinSource, type VideoView } from './callState.ts';
import { markJoin } from './joinTimeline.ts';
import { LocalDevices } from './LocalDevices.ts';
import { loadPreferences } from './preferences.ts';
import { QualityMonitor } from './QualityMonitor.ts';
import { markRecovery } from './recoveryLog.ts';
import { Roster } from './Roster.ts';
import { SpeakerMonitor } from './SpeakerMonitor.ts';

export type { CallState, ChatLine, JoinChoice, JoinSource, Phase, RemoteParticipant, Toast, VideoView } from './callState.ts';

/** `?simulcast=off` publishes the camera as one full-size stream (for comparing, and for debugging). */
const simulcastWanted = () => typeof location === 'undefined' || new URLSearchParams(location.search).get('simulcast') !== 'off';

export class CallSession {
  private readonly store = new CallStore();
  private readonly api: RoomsApi;
  private signaling: SignalingClient | undefined;
  private producer: ProducerLink | undefined;
  private consumer: ConsumerLink | undefined;
  private readonly roster: Roster;
  private readonly devices: LocalDevices;
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
  /** The latest views as sent to the SFU. */
  private viewsSent = '';
  private views: VideoView[] = [];

  private urlPath: string;
  private token = '';
  /** The room access `prepare` found (or is finding). */
  private prepared: Promise<RoomAccessResponse> | undefined;
  /** The peer id the signaling socket of the moment was opened for. */
  private signalingFor: string | undefined;
  /**
   * What the publishing connection made for this join says before the server has identified us
   * (its offer, its first candidates), sent as soon as it has; undefined once identified.
   */
  private held: Omit<HandshakeData, 'sender' | 'roomId'>[] | undefined;
  /** The publishing connection's first offer is made (its frames sent or held). */
  private producerStarted: Promise<void> | undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly source: JoinSource,
    private displayName = '',
    /** From the pre-join screen; without one, the remembered devices and choices. */
    private choice?: JoinChoice,
  ) {
    this.api = new RoomsApi(config.apiUrl);
    this.urlPath = source.kind === 'path' ? source.urlPath : '';
    this.roster = new Roster(this.store, () => this.consumer);
    this.devices = new LocalDevices(this.store, () => this.producer, () => this.sendFeatures(), () => this.disposed);
  }

  subscribe = this.store.subscribe;
  snapshot = this.store.snapshot;

  private get state(): CallState {
    return this.store.state;
  }

  private set(patch: Partial<CallState>): void {
    this.store.set(patch);
  }

  /**
   * Gets the join ready while the person is still on the pre-join screen: the room is found (or
   * claimed, or started: a cold room starts while one picks a camera) and the signaling socket
   * opened, not yet identified, so nobody sees this peer before it joins. Once; `start` uses it.
   */
  prepare(): Promise<RoomAccessResponse> {
    if (!this.prepared) {
      this.prepared = this.findRoom().then((access) => {
        if (!this.disposed) this.openSignaling(access);
        return access;
      });
      this.prepared.catch(() => undefined); // start() reports it
    }
    return this.prepared;
  }

  /** Joins as `displayName` with the pre-join screen's choice: the room as prepared (or found now), then signaling and media. */
  async start(join?: { displayName: string; choice?: JoinChoice | undefined }): Promise<void> {
    if (join) {
      this.displayName = join.displayName;
      this.choice = join.choice;
    }
    const prefs = loadPreferences();
    this.set({ phase: 'joining', devices: { ...(prefs.audioOutputId && { audioOutputId: prefs.audioOutputId }) } });
    (globalThis as { __callSession?: CallSession }).__callSession = this; // for tests, and for a look from the console
    // camera and microphone (the pre-join screen's, else opened now) while the room is found and signaling connects
    const mediaReady = this.devices.open(this.choice);
    await this.enterRoom(mediaReady);
  }

  /** Identifies in the prepared room (found now if not prepared); a failure ends the call, with its media. */
  private async enterRoom(mediaReady: Promise<unknown>): Promise<void> {
    let access: RoomAccessResponse;
    try {
      access = await this.prepare();
    } catch (error) {
      void mediaReady.then(() => this.devices.stop());
      return this.fail(error);
    }
    markJoin('room-found');
    if (this.disposed) return;
    this.connect(access);
  }

  /** The room to join: the ticket's, the tab's kept access for the path (a call it made or accepted), else the join flow's. */
  private async findRoom(): Promise<RoomAccessResponse> {
    if (this.source.kind === 'ticket') {
      const redeemed = await ticketAccess(this.api, this.source.ticketId);
      this.urlPath = redeemed.urlPath;
      return redeemed;
    }
    const kept = keptAccess(roomKey(this.urlPath));
    if (kept) this.set({ title: kept.title });
    return kept?.access ?? (await joinRoom(this.api, this.urlPath, { onProgress: (progress) => this.set({ progress }) }));
  }

  /** Identifies on the signaling socket to the room `access` is for (opening it, unless prepared); media starts once identified. */
  private connect(access: RoomAccessResponse): void {
    if (this.signalingFor !== access.peerId) this.openSignaling(access);
    // a rejoin stays 'reconnecting' (the call screen, with its banner) until identified
    this.set({ phase: this.state.phase === 'reconnecting' ? 'reconnecting' : 'connecting', roomId: access.roomId, selfId: access.peerId, creator: access.creator === true, urlPath: this.urlPath });
    // the publishing connection makes its offer while identify is on its way (what it says waits for identified)
    if (!this.producer) this.startProducer();
    this.signaling!.identify({
      id: access.peerId,
      roomId: access.roomId,
      type: 'client',
      ...(this.displayName && { displayName: this.displayName }),
    });
  }

  /** The signaling socket for `access`, open but not identified. */
  private openSignaling(access: RoomAccessResponse): void {
    this.roomId = access.roomId;
    this.selfId = access.peerId;
    this.token = access.token;
    this.signalingFor = access.peerId;
    const signaling = new SignalingClient(this.config.webSocketUrl, access.token);
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
      this.roster.clear();
      this.set({ phase: 'reconnecting', progress: undefined });
      let access: RoomAccessResponse;
      try {
        access = await joinRoom(this.api, this.urlPath, { onProgress: (progress) => this.set({ progress }) });
      } catch (error) {
        if (!this.disposed) {
          this.devices.stop();
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

  /** The publishing connection, its first offer made once camera and microphone are open; its frames held until identified. */
  private startProducer(): void {
    this.held = [];
    const producer = new ProducerLink(this.config.iceServers, (data) => (this.held ? this.held.push(data) : this.sendProducer(data)), simulcastWanted());
    this.producer = producer;
    this.watch('producer', producer.pc);
    this.producerStarted = this.devices.ready!.then((media) => (this.producer === producer ? producer.start(media.stream, media.audio, media.video) : undefined));
    this.producerStarted.catch((e: unknown) => console.warn('publishing failed', e));
  }

  private sendProducer(data: Omit<HandshakeData, 'sender' | 'roomId'>): void {
    if ((data.description as { type?: string } | undefined)?.type === 'offer') markJoin('publish-offer-sent');
    this.sendHandshake(data);
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
    const fresh = this.held !== undefined; // this join's first identified, its producer made meanwhile
    if (this.state.phase === 'reconnecting' && fresh) markRecovery('rejoined', this.roomId);
    if (!fresh && frame.resumed) {
      // a reconnect within the server's grace: media connections are intact
      this.set({ phase: 'in-call' });
      return;
    }
    if (!fresh) {
      // back after the grace ran out: the server saw us leave, so media starts over
      this.producer?.close();
      this.producer = undefined;
      this.consumer?.close();
      this.consumer = undefined;
      this.set({ participants: [] });
      this.startProducer();
    }
    // the room's state (names, mute states) arrives while media starts
    void this.api.roomState(this.roomId, this.token).then((state) => {
      this.version = Math.max(this.version, state.version);
      this.set({ access: state.access });
      this.roster.applyState(state.participants.filter((p) => p.id !== this.selfId), state.version);
    }, () => undefined);
    this.set({ phase: 'in-call' });
    for (const data of this.held!.splice(0)) this.sendProducer(data);
    this.held = undefined;
    await this.producerStarted;
    if (this.disposed || !this.producer) return;
    this.startMonitors();
    await this.shareScreenAgain();
    const { audioMuted, videoMuted, screenSharing, handRaised } = this.state.features;
    // the others learn our state (a missing device, a mute from before a rejoin)
    if (audioMuted || videoMuted || screenSharing || handRaised) this.sendFeatures();
  }

  /** A new publishing connection carries the screen being shared, too. */
  private async shareScreenAgain(): Promise<void> {
    const screen = this.state.localScreen;
    const track = screen?.getVideoTracks()[0];
    if (screen && track && this.producer) await this.producer.shareScreen(track, screen);
  }

  /**
   * The SFU says this client's publishing connection failed on its side (its tracks are off everyone's
   * receiving connection), whatever this side thinks of it: publish the same media on a new one.
   */
  private async publishAgain(): Promise<void> {
    if (this.disposed || !this.producer) return;
    markRecovery('publish-again', 'producer');
    const old = this.producer;
    this.producer = undefined;
    old.close();
    this.startProducer();
    // identified already: its frames go out as they come
    this.held = undefined;
    await this.producerStarted;
    await this.shareScreenAgain();
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
          this.set({ chat: [...this.state.chat, { from: this.roster.nameOf(frame.sender), fromId: frame.sender, text: frame.data.text, at: Date.now(), mine: false }] });
        } else {
          if (frame.version !== undefined) this.version = Math.max(this.version, frame.version);
          this.roster.updateFeatures(frame.sender, frame.data.features);
        }
        return;
      case 'error':
        if (frame.action === 'identify' && frame.status === 410 && this.state.phase === 'connecting') {
          // the room found on the pre-join screen closed before one joined (it idled out): find one afresh
          this.closeConnections();
          this.prepared = undefined;
          return this.enterRoom(this.devices.ready!);
        }
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
      if (data.publishAgain) return this.publishAgain();
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
      this.consumer = new ConsumerLink(this.config.iceServers, (d) => this.sendHandshake(d), (peerId) => {
        if (peerId !== this.selfId) this.roster.refreshStreams(peerId);
      });
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
    const about = event.type === 'ParticipantLeftEvent' ? event.participantId : 'participant' in event ? event.participant.id : undefined;
    if (about) this.roster.noteEvent(about, event.version);
    switch (event.type) {
      case 'ParticipantJoinedEvent':
        if (event.participant.id !== this.selfId) this.roster.joined(event.participant.id, event.participant.displayName, event.participant.features);
        return;
      case 'ParticipantUpdatedEvent':
        this.roster.upsert(event.participant.id, event.participant.displayName, event.participant.features);
        return;
      case 'ParticipantLeftEvent':
        this.consumer?.forget(event.participantId);
        this.roster.left(event.participantId);
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

  private sendHandshake(data: Omit<HandshakeData, 'sender' | 'roomId'>): void {
    this.signaling?.send({ action: 'handshake', data: { ...data, sender: this.selfId, roomId: this.roomId } });
  }

  private sendFeatures(): void {
    this.signaling?.send({ action: 'message', data: { kind: 'features', features: this.state.features } });
  }

  toggleAudio(): void {
    this.devices.toggleAudio();
  }

  toggleVideo(): void {
    this.devices.toggleVideo();
  }

  /** Raises or lowers one's hand: a feature like mute, so it is in the room's state for whoever joins later. */
  toggleHand(): void {
    this.set({ features: { ...this.state.features, handRaised: !this.state.features.handRaised } });
    this.sendFeatures();
  }

  toggleScreen(): Promise<void> {
    return this.devices.toggleScreen();
  }

  /** Switches camera or microphone in place (replaceTrack: no renegotiation), and remembers the choice. */
  useDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    return this.devices.useDevice(kind, deviceId);
  }

  /** Plays everyone's audio on this output device, and remembers it. */
  setAudioOutput(deviceId: string): void {
    this.devices.setAudioOutput(deviceId);
  }

  /**
   * The dominant speaker as the SFU names it (its active-speaker events, once it sends them): from
   * then on this client's own guess from audio levels stays out of `dominantSpeakerId`.
   */
  setDominantSpeaker(peerId: string | undefined): void {
    this.dominantFromServer = true;
    this.set({ dominantSpeakerId: peerId });
  }

  /**
   * How the layout shows each remote video (CSS pixels; hidden ones too), called when it changes:
   * the SFU picks each one's simulcast layer from it and pauses those nobody sees.
   */
  reportVideoViews(views: VideoView[]): void {
    this.views = [...views].sort((a, b) => `${a.peerId}/${a.source}`.localeCompare(`${b.peerId}/${b.source}`));
    this.sendViews();
  }

  private sendViews(): void {
    const json = JSON.stringify(this.views);
    if (!this.consumer || json === this.viewsSent) return;
    // the SFU takes device pixels, whole ones (a tile is laid out in CSS pixels)
    const scale = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
    const videoViews = this.views.map((v) => ({ ...v, width: Math.round(v.width * scale), height: Math.round(v.height * scale) }));
    if (this.signaling?.send({ action: 'handshake', data: { type: 'consumer', videoViews, sender: this.selfId, roomId: this.roomId } })) this.viewsSent = json;
  }

  /** The latest views the layout reported (reportVideoViews). */
  get videoViews(): readonly VideoView[] {
    return this.views;
  }

  private startMonitors(): void {
    this.speakers ??= new SpeakerMonitor(
      () => {
        const tracks = this.consumer?.audioTracks() ?? new Map<string, MediaStreamTrack>();
        for (const p of this.state.participants) if (p.features.audioMuted) tracks.delete(p.id);
        for (const id of tracks.keys()) if (this.roster.hasLeft(id)) tracks.delete(id);
        return tracks;
      },
      () => {
        const track = this.devices.liveMicrophone;
        return track && { id: this.selfId, track };
      },
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

  sendChat(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (this.signaling?.send({ action: 'message', data: { kind: 'chat', text: trimmed.slice(0, 2000) } })) {
      this.set({ chat: [...this.state.chat, { from: 'You', fromId: this.selfId, text: trimmed, at: Date.now(), mine: true }] });
    } else {
      this.set({ notice: 'Not connected: the message was not sent.' });
    }
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
    this.devices.stop();
    // these outlive a rejoin (they read the connections of the moment), not the call
    this.speakers?.close();
    this.speakers = undefined;
    this.qualityMonitor?.close();
    this.qualityMonitor = undefined;
    this.roster.close();
  }

  /** Signaling and both media connections go; local media stays. */
  private closeConnections(): void {
    removeEventListener('pagehide', this.onPageHide);
    for (const stop of this.unwatch.splice(0)) stop();
    this.signaling?.close();
    this.signaling = undefined;
    this.signalingFor = undefined;
    this.held = undefined;
    this.producer?.close();
    this.producer = undefined;
    this.consumer?.close();
    this.consumer = undefined;
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
}
