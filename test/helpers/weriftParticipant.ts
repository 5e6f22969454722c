/**
 * A test participant made with werift: publishes synthetic Opus and VP8 RTP on its producer
 * connection, answers the SFU's offers on its one consumer connection, and records the RTP it
 * receives per remote peer (whose a track is: its msid stream id, protocol/mediaStream.ts; the
 * payloads say who sent them too, and the two must agree).
 *
 * With `rejoin` (join() only) it recovers by itself as the web client does: when its room closes
 * because its server went away (RoomClosedEvent, cause `server-gone`) it joins the same URL again as
 * a newcomer (new access: a new room, a new peer id) and publishes again; when its receiving
 * connection fails while signaling is up it asks the SFU for an ICE restart.
 *
 * Two ways to wire it:
 * - `WeriftParticipant.join({ url, token, roomId, peerId })`: over the real WebSocket protocol
 *   (identify as client, handshake frames relayed by the signaling plane);
 * - `new WeriftParticipant({ peerId, roomId, send })` + `handleFrame(...)`: direct function calls
 *   (the in-process engine tests).
 *
 * Synthetic payloads carry a magic, the publisher's id, the kind and a counter, and a filler derived
 * from them, so a receiver checks every payload byte and the continuity of the stream. Video packets
 * start with a real VP8 payload descriptor (RFC 7741: extended, no picture id, S bit on a frame's
 * first packet) and, on a frame's first packet, the P bit of the VP8 frame tag: an SFU that reads
 * VP8 (mediasoup drops video until a keyframe, and needs the descriptor to find one) sees a keyframe
 * first and again after each PLI, as from a real encoder.
 * Loopback only: every socket is on 127.0.0.1.
 */
import { EventEmitter } from 'node:events';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  type RTCPeerConnectionConfig,
  type RTCRtpSender,
  RtpHeader,
  RtpPacket,
  useNACK,
  useOPUS,
  usePLI,
  useREMB,
  useSdesMid,
  useVP8,
} from 'werift';
import WebSocket from 'ws';
import { parseMediaStreamId } from '../../protocol/mediaStream.ts';

export type Kind = 'audio' | 'video';

/** The `data` of a handshake frame, either direction. */
export interface HandshakeFrameData {
  type: 'producer' | 'consumer';
  sender: string;
  receiver?: string;
  remotePeerId?: string;
  description?: { type: string; sdp?: string };
  candidate?: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null } | null;
  roomId: string;
  error?: { status: number; message: string };
  [key: string]: unknown;
}

export interface ReceivedStream {
  packets: number;
  /** Payloads that were not byte-for-byte what the publisher sent. */
  corrupt: number;
  /** Packets whose RTP sequence number did not follow the previous one. */
  sequenceGaps: number;
  /** Packets whose publisher counter did not follow the previous one. */
  counterGaps: number;
  /** Publisher id found in the payloads. */
  publishers: Set<string>;
  /** The msid stream ids of the tracks it came on. */
  streams: Set<string>;
  /** Video: keyframes received (first packets of frames whose VP8 frame tag says key frame). */
  keyframes: number;
  /** Video: whether the first packet received began a keyframe. */
  startedOnKeyframe?: boolean;
  lastSequence?: number;
  lastCounter?: number;
}

export interface ParticipantOptions {
  peerId: string;
  roomId: string;
  /** Sends a handshake `data` to the SFU (direct wiring); set by join() for the WebSocket. */
  send?: (data: HandshakeFrameData) => void;
  /** Video bit rate of the synthetic VP8 stream (default 500 kbit/s). */
  videoBitrate?: number;
  /** Frames per second of the synthetic video (default 30). */
  fps?: number;
}

export interface JoinOptions extends Omit<ParticipantOptions, 'send'> {
  /** WebSocket URL of the signaling plane, e.g. ws://127.0.0.1:8080/ws */
  url: string;
  token?: string;
  /** Publish audio + video right after identifying (default true). */
  publish?: boolean;
  displayName?: string;
  /** New access to the same URL (getRoomId, else claimRoom, else createRoom): set, the participant rejoins when its server goes away. */
  rejoin?: () => Promise<{ token: string; roomId: string; peerId: string }>;
}

export const LOOPBACK_CONFIG: RTCPeerConnectionConfig = {
  iceServers: [],
  bundlePolicy: 'max-bundle',
  codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [useNACK(), usePLI(), useREMB()] })] },
  headerExtensions: { audio: [useSdesMid()], video: [useSdesMid()] },
  iceUseIpv4: false,
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
};

const MAGIC = 0x53594e31; // "SYN1"
const AUDIO_PAYLOAD_BYTES = 80; // Opus at ~32 kbit/s, 20 ms
const MAX_VIDEO_PACKET_PAYLOAD = 1100;

/** The synthetic payload number `counter` of `publisher`'s `kind` stream, `size` bytes long. */
export function syntheticPayload(publisher: string, kind: Kind, counter: number, size: number): Buffer {
  const id = Buffer.from(publisher, 'utf8');
  const head = 4 + 1 + 4 + 1 + id.length;
  const buf = Buffer.alloc(Math.max(size, head + 8));
  let o: number;
  buf.writeUInt32BE(MAGIC, 0);
  o = 4;
  buf[o++] = kind === 'audio' ? 1 : 2;
  buf.writeUInt32BE(counter >>> 0, o);
  o += 4;
  buf[o++] = id.length;
  id.copy(buf, o);
  o += id.length;
  for (let i = o; i < buf.length; i++) buf[i] = (counter * 31 + i * 7) & 0xff;
  return buf;
}

/** VP8 payload descriptor, 2 bytes: X=1 (then I=L=T=K=0), S on a frame's first packet, partition 0. */
const VP8_START = 0x90;
const VP8_CONTINUATION = 0x80;
/** The VP8 frame tag's first byte: P (inverse key frame flag) is bit 0. */
const VP8_KEY = 0x00;
const VP8_DELTA = 0x01;

/** A video packet's payload: the VP8 prefix (descriptor + frame tag byte), then the synthetic payload. */
export function syntheticVideoPayload(publisher: string, counter: number, size: number, frameStart: boolean, keyframe: boolean): Buffer {
  const prefix = Buffer.from([frameStart ? VP8_START : VP8_CONTINUATION, 0x00, frameStart && keyframe ? VP8_KEY : VP8_DELTA]);
  return Buffer.concat([prefix, syntheticPayload(publisher, 'video', counter, Math.max(0, size - prefix.length))]);
}

/** A video payload's VP8 prefix: undefined if it is not the one syntheticVideoPayload writes. */
function vp8Prefix(payload: Buffer): { frameStart: boolean; keyframe: boolean } | undefined {
  if (payload.length < 3 || (payload[0] !== VP8_START && payload[0] !== VP8_CONTINUATION) || payload[1] !== 0x00) return undefined;
  const frameStart = payload[0] === VP8_START;
  return { frameStart, keyframe: frameStart && (payload[2]! & 0x01) === 0 };
}

/** Parses a synthetic payload; undefined if it is not one or any byte is wrong. */
export function parseSyntheticPayload(payload: Buffer): { publisher: string; kind: Kind; counter: number } | undefined {
  if (payload.length < 10 || payload.readUInt32BE(0) !== MAGIC) return undefined;
  const kind: Kind = payload[4] === 1 ? 'audio' : 'video';
  const counter = payload.readUInt32BE(5);
  const idLength = payload[9]!;
  const publisher = payload.subarray(10, 10 + idLength).toString('utf8');
  const expected = syntheticPayload(publisher, kind, counter, payload.length);
  return expected.equals(payload) ? { publisher, kind, counter } : undefined;
}

type ParticipantEvents = {
  sfuerror: [HandshakeFrameData];
  frame: [unknown];
  /** It is in a new room after its server went away. */
  rejoined: [];
};

interface Consumer {
  pc: RTCPeerConnection;
  closed: boolean;
  queued: HandshakeFrameData['candidate'][];
  answered: boolean;
  gate: Gate;
  /** Remote peers with a live (sendonly, port != 0) section in the latest offer. */
  peers: Set<string>;
}

type CandidateJson = NonNullable<HandshakeFrameData['candidate']>;

/** Holds local candidates until the description they belong to has been sent (again for each later description: an ICE restart gathers anew). */
class Gate {
  private held: CandidateJson[] | undefined = [];
  constructor(private readonly send: (candidate: CandidateJson) => void) {}
  push(candidate: CandidateJson): void {
    if (this.held) this.held.push(candidate);
    else this.send(candidate);
  }
  hold(): void {
    this.held ??= [];
  }
  open(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const candidate of held) this.send(candidate);
  }
}

export class WeriftParticipant extends EventEmitter<ParticipantEvents> {
  /** Its peer id and room (both change when it rejoins). */
  peerId: string;
  roomId: string;
  /** Times it rejoined after its server went away, and when it was told (Date.now()). */
  rejoins = 0;
  readonly serverGoneAt: number[] = [];
  /** Error handshakes the SFU sent back. */
  readonly errors: HandshakeFrameData[] = [];
  /** Every server frame received over the WebSocket (join() only). */
  readonly frames: unknown[] = [];
  /** PLIs (keyframe requests) the SFU sent to this publisher's video. */
  pliReceived = 0;
  sent = { audio: 0, video: 0 };
  producer: RTCPeerConnection | undefined;
  /** Connection states the consumer connection went through. */
  readonly consumerHistory: string[] = [];
  /** Offers the SFU made on the consumer connection. */
  consumerOffers = 0;
  /** Times the SFU asked this participant to publish again (its publishing connection failed there). */
  publishedAgain = 0;
  /** Times its receiving connection failed on its side and it asked the SFU for an ICE restart. */
  receiveIceRestarts = 0;
  /** The SFU's ICE username fragment in each consumer offer, and in each producer answer. */
  readonly consumerUfrags: string[] = [];
  readonly producerUfrags: string[] = [];
  private consumer: Consumer | undefined;
  private readonly received = new Map<string, ReceivedStream>();
  private send: (data: HandshakeFrameData) => void;
  private ws: WebSocket | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly videoBitrate: number;
  private readonly fps: number;
  private producerAnswered = false;
  /** The next video frame is a keyframe (the first one, and after each PLI). */
  private keyframeWanted = true;
  /** Keyframes this publisher sent. */
  keyframesSent = 0;
  private producerQueue: HandshakeFrameData['candidate'][] = [];
  private closed = false;

  constructor(options: ParticipantOptions) {
    super();
    this.peerId = options.peerId;
    this.roomId = options.roomId;
    this.send = options.send ?? (() => undefined);
    this.videoBitrate = options.videoBitrate ?? 500_000;
    this.fps = options.fps ?? 30;
  }

  /** Connects to the signaling plane, identifies as a client and (by default) publishes. */
  static async join(options: JoinOptions): Promise<WeriftParticipant> {
    const participant = new WeriftParticipant(options);
    participant.joinOptions = options;
    try {
      await participant.connect(options.url, options.token, options.peerId, options.roomId);
    } catch (error) {
      await participant.close();
      throw error;
    }
    if (options.publish !== false) await participant.publish();
    return participant;
  }

  private joinOptions: JoinOptions | undefined;

  /** Opens the WebSocket and identifies (throws if identify is refused). */
  private async connect(wsUrl: string, token: string | undefined, peerId: string, roomId: string): Promise<void> {
    const url = new URL(wsUrl);
    if (token) url.searchParams.set('token', token);
    const ws = new WebSocket(url);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade answered ${res.statusCode}`)));
    });
    ws.on('message', (raw) => {
      if (this.ws !== ws) return;
      let frame: unknown;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        return;
      }
      this.frames.push(frame);
      this.emit('frame', frame);
      this.handleFrame(frame);
    });
    this.send = (data) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ action: 'handshake', data }));
    };
    const identified = this.waitForFrame((f) => (f.type === 'identified' || f.type === 'error') && !this.seenIdentify.has(f), 10_000).catch(() => undefined);
    const displayName = this.joinOptions?.displayName;
    ws.send(JSON.stringify({ action: 'identify', data: { id: peerId, roomId, type: 'client', ...(displayName && { displayName }) } }));
    const answer = (await identified) as { type?: string; message?: string } | undefined;
    if (answer) this.seenIdentify.add(answer);
    if (answer?.type === 'error') throw new Error(`identify failed: ${answer.message ?? 'error'}`);
  }

  private readonly seenIdentify = new Set<unknown>();

  /** Its server went away: leave everything, and join the same URL again as a newcomer would. */
  private async rejoin(): Promise<void> {
    const options = this.joinOptions;
    if (!options?.rejoin || this.closed) return;
    this.serverGoneAt.push(Date.now());
    await this.dropProducer();
    if (this.consumer) {
      this.consumer.closed = true;
      await this.consumer.pc.close().catch(() => undefined);
      this.consumer = undefined;
    }
    this.ws?.close();
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const access = await options.rejoin();
        this.peerId = access.peerId;
        this.roomId = access.roomId;
        await this.connect(options.url, access.token, access.peerId, access.roomId);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)));
      }
    }
    if (this.closed) return;
    this.rejoins++;
    if (options.publish !== false) await this.publish();
    this.emit('rejoined');
  }

  /** Sends a raw frame over the WebSocket (join() only): for bad-input tests. */
  sendRaw(frame: unknown): void {
    this.ws?.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a handshake `data` as is (direct or WebSocket): for bad-input tests. */
  sendHandshake(data: Partial<HandshakeFrameData>): void {
    this.send({ sender: this.peerId, roomId: this.roomId, type: 'producer', ...data } as HandshakeFrameData);
  }

  /** Dispatches a server frame (`{type: "handshake", data}`, events, ...). */
  handleFrame(frame: unknown): void {
    const f = frame as { type?: string; data?: HandshakeFrameData; event?: { type?: string; cause?: string; participantId?: string } };
    if (f.type === 'handshake' && f.data) void this.handleHandshake(f.data);
    else if (f.type === 'event' && f.event?.type === 'RoomClosedEvent' && f.event.cause === 'server-gone') void this.rejoin();
    // As the web client drops a leaver's tiles: the SFU sends no offer of only stopped sections when
    // the last remote participant goes, so the leave event is what says its tracks are gone.
    else if (f.type === 'event' && f.event?.type === 'ParticipantLeftEvent' && f.event.participantId) this.consumer?.peers.delete(f.event.participantId);
  }

  /** Handles one handshake `data` from the SFU. */
  async handleHandshake(data: HandshakeFrameData): Promise<void> {
    if (this.closed) return;
    if (data.error) {
      this.errors.push(data);
      this.emit('sfuerror', data);
      return;
    }
    try {
      if (data.type === 'producer') await this.onProducerHandshake(data);
      else {
        // one frame at a time: a candidate that comes while an offer (an ICE restart's new
        // credentials) is still being applied belongs to that offer, not to the one before it
        const turn = this.consumerFrames.then(() => this.onConsumerHandshake(data));
        this.consumerFrames = turn.catch(() => undefined);
        await turn;
      }
    } catch (error) {
      this.errors.push({ ...data, error: { status: 0, message: `participant: ${(error as Error).message}` } });
    }
  }

  /** Offers audio + video on the producer connection and starts the synthetic media. */
  async publish(): Promise<void> {
    const pc = new RTCPeerConnection(LOOPBACK_CONFIG);
    this.producer = pc;
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const video = new MediaStreamTrack({ kind: 'video' });
    pc.addTransceiver(audio, { direction: 'sendonly' });
    const videoSender: RTCRtpSender = pc.addTransceiver(video, { direction: 'sendonly' }).sender;
    videoSender.onPictureLossIndication.subscribe(() => {
      this.pliReceived++;
      this.keyframeWanted = true; // as an encoder does: the next frame is a keyframe
    });
    // Candidates gathered during setLocalDescription go out after the offer: hold them until then.
    const gate = new Gate((candidate) => this.send({ type: 'producer', sender: this.peerId, roomId: this.roomId, candidate }));
    pc.onIceCandidate.subscribe((candidate) => candidate && gate.push(candidate.toJSON()));
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.send({ type: 'producer', sender: this.peerId, roomId: this.roomId, description: { type: 'offer', sdp: pc.localDescription!.sdp } });
    gate.open();
    this.startMedia(audio, video);
  }

  /** Asks the SFU to restart ICE on the consumer connection (it offers again with new credentials). */
  restartConsumerIce(): void {
    this.send({ type: 'consumer', sender: this.peerId, roomId: this.roomId, iceRestart: true });
  }

  /** Received-RTP record of one remote peer's `kind` stream. */
  stream(remotePeerId: string, kind: Kind): ReceivedStream {
    const key = `${remotePeerId}/${kind}`;
    let s = this.received.get(key);
    if (!s) {
      s = { packets: 0, corrupt: 0, sequenceGaps: 0, counterGaps: 0, publishers: new Set(), streams: new Set(), keyframes: 0 };
      this.received.set(key, s);
    }
    return s;
  }

  /** Remote peers whose tracks the consumer connection carries now (live sections of the SFU's latest offer, less those who left since). */
  consumerPeers(): string[] {
    return this.consumer && !this.consumer.closed ? [...this.consumer.peers] : [];
  }

  /** The consumer connection's state (undefined before the SFU's first offer). */
  consumerState(): string | undefined {
    const c = this.consumer;
    return c ? (c.closed ? 'closed' : c.pc.connectionState) : undefined;
  }

  /** Peer connections this participant holds open (publish + receive). */
  peerConnectionCount(): number {
    return (this.producer && this.producer.connectionState !== 'closed' ? 1 : 0) + (this.consumer && !this.consumer.closed ? 1 : 0);
  }

  /** Resolves once `predicate` holds (checked every 50 ms); rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`${this.peerId}: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves with the first WebSocket frame matching `predicate` (already received ones count). */
  waitForFrame(predicate: (frame: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const match = this.frames.find((f) => predicate(f as Record<string, unknown>));
    if (match) return Promise.resolve(match as Record<string, unknown>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('frame', listener);
        reject(new Error(`${this.peerId}: no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (frame: unknown) => {
        if (predicate(frame as Record<string, unknown>)) {
          clearTimeout(timer);
          this.off('frame', listener);
          resolve(frame as Record<string, unknown>);
        }
      };
      this.on('frame', listener);
    });
  }

  stopMedia(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Leaves: stops media, closes every connection and the WebSocket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopMedia();
    await this.producer?.close().catch(() => undefined);
    if (this.consumer) {
      this.consumer.closed = true;
      await this.consumer.pc.close().catch(() => undefined);
    }
    if (this.ws) {
      const ws = this.ws;
      await new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  /** Stops the synthetic media and closes the publishing connection (a new one may follow). */
  private async dropProducer(): Promise<void> {
    this.stopMedia();
    await this.producer?.close().catch(() => undefined);
    this.producer = undefined;
    this.producerAnswered = false;
    this.producerQueue = [];
  }

  private async onProducerHandshake(data: HandshakeFrameData): Promise<void> {
    if (data.publishAgain === true) {
      // as the web client does: a new publishing connection, the same media
      this.publishedAgain++;
      await this.dropProducer();
      if (!this.closed) await this.publish();
      return;
    }
    const pc = this.producer;
    if (!pc) return;
    if (data.description?.type === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: data.description.sdp ?? '' });
      this.producerUfrags.push(iceUfrag(data.description.sdp ?? ''));
      this.producerAnswered = true;
      for (const c of this.producerQueue.splice(0)) if (c) await pc.addIceCandidate(toCandidate(c));
    }
    if (data.candidate) {
      if (this.producerAnswered) await pc.addIceCandidate(toCandidate(data.candidate));
      else this.producerQueue.push(data.candidate);
    }
  }

  /** The consumer frames being handled, in order. */
  private consumerFrames: Promise<void> = Promise.resolve();

  private async onConsumerHandshake(data: HandshakeFrameData): Promise<void> {
    if (data.description?.type === 'offer') {
      this.consumerOffers++;
      if (!this.consumer || this.consumer.closed) this.consumer = this.createConsumer();
      const consumer = this.consumer;
      const pc = consumer.pc;
      const sdp = data.description.sdp ?? '';
      await pc.setRemoteDescription({ type: 'offer', sdp });
      consumer.peers = livePeers(sdp);
      this.consumerUfrags.push(iceUfrag(sdp));
      // werift 0.24's answerer takes a negotiated-inactive transceiver (of any kind) for the next new
      // remote section and overwrites its mid, then fails every later offer that still has that
      // section ("Transceiver with mid=0 not found"): keep every transceiver out of its reuse pool
      for (const transceiver of pc.getTransceivers()) (transceiver as { usedForSender: boolean }).usedForSender = true;
      consumer.gate.hold();
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      this.send({ type: 'consumer', sender: this.peerId, roomId: this.roomId, description: { type: 'answer', sdp: pc.localDescription!.sdp } });
      consumer.gate.open();
      consumer.answered = true;
      for (const c of consumer.queued.splice(0)) if (c) await pc.addIceCandidate(toCandidate(c));
    }
    const consumer = this.consumer;
    if (data.candidate && consumer) {
      if (consumer.answered) await consumer.pc.addIceCandidate(toCandidate(data.candidate));
      else consumer.queued.push(data.candidate);
    }
  }

  private createConsumer(): Consumer {
    const pc = new RTCPeerConnection(LOOPBACK_CONFIG);
    const gate = new Gate((candidate) => this.send({ type: 'consumer', sender: this.peerId, roomId: this.roomId, candidate }));
    const consumer: Consumer = { pc, closed: false, queued: [], answered: false, gate, peers: new Set() };
    pc.onIceCandidate.subscribe((candidate) => {
      if (candidate && !consumer.closed) gate.push(candidate.toJSON());
    });
    const seen = new Set<MediaStreamTrack>();
    pc.ontrack = ({ track, streams }) => {
      // werift reports a connection's tracks again on each renegotiation: record each once
      if (seen.has(track)) return;
      seen.add(track);
      const kind: Kind = track.kind === 'audio' ? 'audio' : 'video';
      const streamId = streams[0]?.id ?? '';
      const owner = parseMediaStreamId(streamId)?.peerId ?? `unknown:${streamId}`;
      track.onReceiveRtp.subscribe((rtp) => this.record(owner, kind, rtp, streamId));
    };
    pc.connectionStateChange.subscribe((state) => {
      this.consumerHistory.push(state);
      // the receiving connection lost its path while signaling is up: the SFU is asked for an ICE restart
      if (state === 'failed' && this.joinOptions?.rejoin && !consumer.closed) {
        this.receiveIceRestarts++;
        this.restartConsumerIce();
      } else if (state === 'closed' || state === 'failed') consumer.closed = true;
    });
    return consumer;
  }

  private record(remotePeerId: string, kind: Kind, rtp: RtpPacket, streamId: string): void {
    const s = this.stream(remotePeerId, kind);
    s.packets++;
    s.streams.add(streamId);
    let payload = rtp.payload;
    if (kind === 'video') {
      const vp8 = vp8Prefix(payload);
      if (!vp8) {
        s.corrupt++;
        return;
      }
      if (vp8.keyframe) s.keyframes++;
      s.startedOnKeyframe ??= vp8.keyframe;
      payload = payload.subarray(3);
    }
    const parsed = parseSyntheticPayload(payload);
    if (!parsed || parsed.kind !== kind) {
      s.corrupt++;
      return;
    }
    s.publishers.add(parsed.publisher);
    const seq = rtp.header.sequenceNumber;
    if (s.lastSequence !== undefined && seq !== ((s.lastSequence + 1) & 0xffff)) s.sequenceGaps++;
    if (s.lastCounter !== undefined && parsed.counter !== s.lastCounter + 1) s.counterGaps++;
    s.lastSequence = seq;
    s.lastCounter = parsed.counter;
  }

  private startMedia(audio: MediaStreamTrack, video: MediaStreamTrack): void {
    let audioSeq = Math.floor(Math.random() * 0xffff);
    let videoSeq = Math.floor(Math.random() * 0xffff);
    let audioTs = Math.floor(Math.random() * 0xffffffff);
    let videoTs = Math.floor(Math.random() * 0xffffffff);
    let audioCounter = 0;
    let videoCounter = 0;
    const frameBytes = Math.round(this.videoBitrate / 8 / this.fps);
    const packetsPerFrame = Math.max(1, Math.ceil(frameBytes / MAX_VIDEO_PACKET_PAYLOAD));
    const packetBytes = Math.ceil(frameBytes / packetsPerFrame);
    this.timers.push(
      setInterval(() => {
        const header = new RtpHeader({ payloadType: 111, sequenceNumber: audioSeq, timestamp: audioTs, marker: false });
        audio.writeRtp(new RtpPacket(header, syntheticPayload(this.peerId, 'audio', audioCounter++, AUDIO_PAYLOAD_BYTES)));
        this.sent.audio++;
        audioSeq = (audioSeq + 1) & 0xffff;
        audioTs = (audioTs + 960) >>> 0;
      }, 20),
      setInterval(() => {
        const keyframe = this.keyframeWanted;
        this.keyframeWanted = false;
        if (keyframe) this.keyframesSent++;
        for (let i = 0; i < packetsPerFrame; i++) {
          const header = new RtpHeader({ payloadType: 96, sequenceNumber: videoSeq, timestamp: videoTs, marker: i === packetsPerFrame - 1 });
          video.writeRtp(new RtpPacket(header, syntheticVideoPayload(this.peerId, videoCounter++, packetBytes, i === 0, keyframe)));
          this.sent.video++;
          videoSeq = (videoSeq + 1) & 0xffff;
        }
        videoTs = (videoTs + Math.round(90_000 / this.fps)) >>> 0;
      }, Math.round(1000 / this.fps)),
    );
  }
}

/** The publishers with a live section (sendonly, port != 0) in an offer of the SFU, from their msid lines. */
function livePeers(offer: string): Set<string> {
  const peers = new Set<string>();
  for (const section of offer.split(/\r?\nm=/).slice(1)) {
    const port = /^\w+ (\d+)/.exec(section)?.[1];
    const streamId = /\r?\na=msid:(\S+)/.exec(section)?.[1];
    const owner = streamId ? parseMediaStreamId(streamId) : undefined;
    if (port !== '0' && /\r?\na=sendonly/.test(section) && owner) peers.add(owner.peerId);
  }
  return peers;
}

function iceUfrag(sdp: string): string {
  return /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? '';
}

function toCandidate(c: NonNullable<HandshakeFrameData['candidate']>) {
  return {
    candidate: c.candidate,
    sdpMid: c.sdpMid ?? undefined,
    sdpMLineIndex: c.sdpMLineIndex ?? undefined,
    usernameFragment: c.usernameFragment ?? undefined,
  };
}
