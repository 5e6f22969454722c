/**
 * A stand-in for one mediasoup worker slot (router + WebRtcServer), for engine tests on machines
 * without a worker binary: the transports, producers and consumers keep mediasoup's API shape and
 * compute their RTP parameters with mediasoup's own ortc (validation, producer mapping, consumer
 * parameters with generated SSRCs), but no packet moves. DTLS/ICE states are driven by the test.
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { WorkerSlot } from '../../sfu-task/src/engines/mediasoup/WorkerSlot.ts';
import { FAKE_TRANSPORT } from '../fixtures/sdp/bridgeFixtures.ts';
import { ortc, routerCapabilities } from './mediasoupOrtc.ts';

let ids = 0;

export class FakeProducer {
  readonly id = `producer-${++ids}`;
  readonly observer = new EventEmitter();
  closed = false;
  /** Per encoding, how well it arrives (0: not sent); empty until the worker has scored it. */
  score: { encodingIdx: number; ssrc: number; score: number }[] = [];

  constructor(
    readonly kind: types.MediaKind,
    readonly rtpParameters: types.RtpParameters,
    readonly consumable: types.RtpParameters,
    readonly appData: Record<string, unknown> = {},
  ) {}

  get type(): 'simple' | 'simulcast' {
    return (this.rtpParameters.encodings?.length ?? 1) > 1 ? 'simulcast' : 'simple';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.observer.emit('close');
  }
}

export class FakeConsumer extends EventEmitter {
  readonly observer = new EventEmitter();
  closed = false;
  keyFrameRequests = 0;
  /** Spatial layers asked for, in order (the first is the one given to consume()). */
  readonly preferredLayers: number[] = [];

  constructor(
    readonly kind: types.MediaKind,
    readonly rtpParameters: types.RtpParameters,
    public paused: boolean,
    readonly type: 'simple' | 'simulcast' = 'simple',
  ) {
    super();
  }

  /** The worker forwards a (spatial) layer to the client, as its 'layerschange' event says. */
  forwardLayer(spatialLayer: number): void {
    this.emit('layerschange', { spatialLayer, temporalLayer: 0 });
  }

  async resume(): Promise<void> {
    this.paused = false;
  }

  async pause(): Promise<void> {
    this.paused = true;
  }

  async setPreferredLayers({ spatialLayer }: { spatialLayer: number }): Promise<void> {
    this.preferredLayers.push(spatialLayer);
  }

  async requestKeyFrame(): Promise<void> {
    this.keyFrameRequests++;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.observer.emit('close');
  }
}

export class FakeTransport extends EventEmitter {
  readonly observer = new EventEmitter();
  iceParameters: types.IceParameters = FAKE_TRANSPORT.iceParameters;
  /** How many times restartIce was called (the client came with new ICE credentials). */
  iceRestarts = 0;
  readonly iceCandidates = FAKE_TRANSPORT.iceCandidates;
  readonly dtlsParameters = FAKE_TRANSPORT.dtlsParameters;
  iceState: types.IceState = 'new';
  dtlsState: types.DtlsState = 'new';
  closed = false;
  readonly connects: types.DtlsParameters[] = [];
  readonly producers: FakeProducer[] = [];
  readonly consumers: FakeConsumer[] = [];
  /** Each outgoing bitrate floor set, in order (bit/s; 0 is none). */
  readonly minOutgoingBitrates: number[] = [];

  constructor(private readonly router: FakeRouter) {
    super();
  }

  async connect({ dtlsParameters }: { dtlsParameters: types.DtlsParameters }): Promise<void> {
    this.connects.push(dtlsParameters);
  }

  async setMinOutgoingBitrate(bitrate: number): Promise<void> {
    this.minOutgoingBitrates.push(bitrate);
  }

  async restartIce(): Promise<types.IceParameters> {
    this.iceRestarts += 1;
    this.iceParameters = { ...this.iceParameters, usernameFragment: `restarted${this.iceRestarts}`, password: `restarted-password-${this.iceRestarts}` };
    return this.iceParameters;
  }

  async produce({ kind, rtpParameters, appData }: { kind: types.MediaKind; rtpParameters: types.RtpParameters; appData?: Record<string, unknown> }): Promise<FakeProducer> {
    const params = structuredClone(rtpParameters);
    ortc.validateRtpParameters(params);
    const mapping = ortc.getProducerRtpParametersMapping(params, this.router.rtpCapabilities);
    const consumable = ortc.getConsumableRtpParameters(kind, params, this.router.rtpCapabilities, mapping);
    const producer = new FakeProducer(kind, params, consumable, appData);
    this.router.producers.set(producer.id, producer);
    this.producers.push(producer);
    return producer;
  }

  async consume(options: { producerId: string; rtpCapabilities: types.RtpCapabilities; paused?: boolean; mid?: string; preferredLayers?: { spatialLayer: number } }): Promise<FakeConsumer> {
    const producer = this.router.producers.get(options.producerId);
    if (!producer) throw new Error(`Producer with id "${options.producerId}" not found`);
    const rtpParameters = ortc.getConsumerRtpParameters({
      consumableRtpParameters: producer.consumable,
      remoteRtpCapabilities: structuredClone(options.rtpCapabilities),
      pipe: false,
      enableRtx: producer.kind === 'video',
    });
    rtpParameters.mid = options.mid ?? String(this.consumers.length);
    const consumer = new FakeConsumer(producer.kind, rtpParameters, options.paused ?? false, producer.type);
    if (options.preferredLayers) consumer.preferredLayers.push(options.preferredLayers.spatialLayer);
    producer.observer.once('close', () => consumer.close());
    this.consumers.push(consumer);
    return consumer;
  }

  /** What the worker reports when the client's DTLS handshake completes. */
  connectDtls(): void {
    this.iceState = 'completed';
    this.emit('icestatechange', this.iceState);
    this.dtlsState = 'connecting';
    this.emit('dtlsstatechange', this.dtlsState);
    this.dtlsState = 'connected';
    this.emit('dtlsstatechange', this.dtlsState);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const producer of this.producers) producer.close();
    for (const consumer of this.consumers) consumer.close();
    this.observer.emit('close');
  }
}

/** Like an ActiveSpeakerObserver: the producers it watches, and `speak()` to name a dominant one. */
export class FakeSpeakerObserver extends EventEmitter {
  readonly producerIds: string[] = [];
  constructor(private readonly router: FakeRouter) {
    super();
  }
  async addProducer({ producerId }: { producerId: string }): Promise<void> {
    if (!this.router.producers.has(producerId)) throw new Error(`Producer with id "${producerId}" not found`);
    this.producerIds.push(producerId);
  }
  speak(producerId: string): void {
    this.emit('dominantspeaker', { producer: this.router.producers.get(producerId) });
  }
}

export class FakeRouter {
  readonly rtpCapabilities = routerCapabilities();
  readonly producers = new Map<string, FakeProducer>();
  readonly transports: FakeTransport[] = [];
  readonly pipes: { producerId: string; router: FakeRouter }[] = [];
  readonly speakerObservers: FakeSpeakerObserver[] = [];

  async createActiveSpeakerObserver(): Promise<FakeSpeakerObserver> {
    const observer = new FakeSpeakerObserver(this);
    this.speakerObservers.push(observer);
    return observer;
  }

  /** Like Router.pipeToRouter(): the producer shows up on the other router with the same id. */
  async pipeToRouter({ producerId, router }: { producerId: string; router: FakeRouter }): Promise<{ pipeProducer: FakeProducer }> {
    const producer = this.producers.get(producerId);
    if (!producer) throw new Error(`Producer with id "${producerId}" not found`);
    this.pipes.push({ producerId, router });
    router.producers.set(producerId, producer);
    return { pipeProducer: producer };
  }

  async createWebRtcTransport(): Promise<FakeTransport> {
    const transport = new FakeTransport(this);
    this.transports.push(transport);
    return transport;
  }

  canConsume({ producerId, rtpCapabilities }: { producerId: string; rtpCapabilities: types.RtpCapabilities }): boolean {
    const producer = this.producers.get(producerId);
    return producer !== undefined && ortc.canConsume(producer.consumable, structuredClone(rtpCapabilities));
  }
}

export class FakeWorker extends EventEmitter {
  closed = false;

  close(): void {
    this.closed = true;
  }
}

export function fakeSlot(index = 0): { slot: WorkerSlot; router: FakeRouter; worker: FakeWorker } {
  const router = new FakeRouter();
  const worker = new FakeWorker();
  const slot = { index, worker, router, webRtcServer: {} } as unknown as WorkerSlot;
  return { slot, router, worker };
}
