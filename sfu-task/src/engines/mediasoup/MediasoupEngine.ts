/**
 * The mediasoup media engine: the production SFU. One worker per CPU (MEDIASOUP_WORKERS), each with
 * the room's router and a WebRtcServer on port MEDIASOUP_RTC_PORT + i (UDP, TCP fallback on the same
 * number). Publishing transports live on worker 0's router; receiving transports are spread over
 * the workers, each published track piped to the router that needs it. Clients speak plain SDP
 * (sdp/ translates it to mediasoup's RTP parameters and back).
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { ConfigError } from '../../errors.ts';
import type { ConsumerConnection, MediaEngine, ProducerConnection } from '../MediaEngine.ts';
import { MediasoupConsumerConnection } from './MediasoupConsumerConnection.ts';
import { MediasoupProducerConnection } from './MediasoupProducerConnection.ts';
import type { MediasoupPublishedTrack } from './MediasoupPublishedTrack.ts';
import { requireWorkerBin } from './workerBin.ts';
import { createWorkerSlot, type WorkerSlot, WorkerSlotError, type WorkerSlotOptions } from './WorkerSlot.ts';

export interface EngineDeps {
  checkWorker: () => Promise<void>;
  createSlot: (options: WorkerSlotOptions) => Promise<WorkerSlot>;
}

export interface MediasoupEngineOptions {
  announcedIp: string;
  /** UDP + TCP port of worker 0's WebRtcServer; worker i uses rtcPort + i. 0: any free port. */
  rtcPort: number;
  workers: number;
  /** Sends through io_uring where the kernel has it (mediasoup's own default); default false, as MEDIASOUP_IO_URING. */
  ioUring?: boolean;
  logLevel?: types.WorkerLogLevel;
  /** A worker died: the room cannot go on (the caller exits). */
  onWorkerDied?: (error: Error) => void;
  warn?: (message: string, extra: Record<string, unknown>) => void;
}

/** How often the speaker observer may name a new dominant speaker. */
const SPEAKER_INTERVAL_MS = 300;

export class MediasoupEngine implements MediaEngine {
  readonly name = 'mediasoup';
  readonly simulcast = true;
  private readonly speakerListeners: ((peerId: string) => void)[] = [];
  /** The room's ActiveSpeakerObserver on worker 0's router (where every microphone is published), made with the first one. */
  private speakers: Promise<types.ActiveSpeakerObserver> | undefined;
  private readonly producers = new Map<string, MediasoupProducerConnection>();
  private readonly connections = new Set<MediasoupProducerConnection | MediasoupConsumerConnection>();
  private readonly pipes = new Map<string, Promise<string>>();
  private nextSlot = 0;

  private constructor(
    private readonly slots: WorkerSlot[],
    private readonly options: MediasoupEngineOptions,
  ) {}

  /**
   * Starts the workers; a ConfigError (one line) when there is no worker binary to run or it does not
   * start. `deps` replace the worker side in tests.
   */
  static async start(options: MediasoupEngineOptions, deps: Partial<EngineDeps> = {}): Promise<MediasoupEngine> {
    const { checkWorker = async () => void requireWorkerBin(mediasoup.workerBin), createSlot = createWorkerSlot } = deps;
    await checkWorker();
    const slots: WorkerSlot[] = [];
    try {
      for (let index = 0; index < options.workers; index++) {
        const port = options.rtcPort === 0 ? 0 : options.rtcPort + index;
        slots.push(await createSlot({ index, announcedIp: options.announcedIp, port, logLevel: options.logLevel ?? 'warn', ioUring: options.ioUring ?? false }));
      }
    } catch (error) {
      for (const slot of slots) slot.worker.close();
      const reason = (error as Error).message.replace(/\s+/g, ' ');
      throw new ConfigError(`SFU_ENGINE=mediasoup: ${error instanceof WorkerSlotError ? reason : `cannot start the media workers (${reason})`}`);
    }
    const engine = new MediasoupEngine(slots, options);
    for (const slot of slots) {
      slot.worker.on('died', (error) => options.onWorkerDied?.(error));
    }
    return engine;
  }

  createProducerConnection(peerId: string): ProducerConnection {
    const connection = this.track(new MediasoupProducerConnection(peerId, this.slots[0]!, (track) => this.observeSpeaker(track)));
    this.producers.set(peerId, connection);
    connection.once('close', () => {
      if (this.producers.get(peerId) === connection) this.producers.delete(peerId);
    });
    return connection;
  }

  createConsumerConnection(peerId: string): ConsumerConnection {
    const slot = this.slots[this.nextSlot++ % this.slots.length]!;
    return this.track(
      new MediasoupConsumerConnection(peerId, slot, {
        // a client that has not published yet is assumed to decode what the router does
        rtpCapabilities: () => this.producers.get(peerId)?.rtpCapabilities ?? this.slots[0]!.router.rtpCapabilities,
        producerOn: (track, target) => this.producerOn(track, target),
        warn: (message, extra) => this.options.warn?.(message, extra),
      }),
    );
  }

  onDominantSpeaker(listener: (peerId: string) => void): void {
    this.speakerListeners.push(listener);
  }

  /** A microphone joins the room's speaker observer (it leaves by itself when its producer closes). */
  private observeSpeaker(track: MediasoupPublishedTrack): void {
    if (track.kind !== 'audio') return;
    const router = this.slots[0]!.router;
    this.speakers ??= Promise.resolve()
      .then(() => router.createActiveSpeakerObserver({ interval: SPEAKER_INTERVAL_MS }))
      .then((observer) => {
      observer.on('dominantspeaker', ({ producer }) => {
        const peerId = (producer.appData as { peerId?: unknown }).peerId;
        if (typeof peerId === 'string') for (const listener of this.speakerListeners) listener(peerId);
      });
      return observer;
    });
    this.speakers
      .then((observer) => observer.addProducer({ producerId: track.producer.id }))
      .catch((error: unknown) => this.options.warn?.('speaker observer failed', { peerId: track.peerId, error: (error as Error).message }));
  }

  /** Open connections (for stats and tests). */
  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.close();
    for (const slot of this.slots) slot.worker.close();
  }

  private producerOn(track: MediasoupPublishedTrack, slot: WorkerSlot): Promise<string> {
    const home = this.slots[0]!;
    if (slot === home) return Promise.resolve(track.producer.id);
    const key = `${track.producer.id}/${slot.index}`;
    let piped = this.pipes.get(key);
    if (!piped) {
      piped = home.router.pipeToRouter({ producerId: track.producer.id, router: slot.router }).then(({ pipeProducer }) => pipeProducer!.id);
      piped.catch(() => this.pipes.delete(key));
      track.producer.observer.once('close', () => this.pipes.delete(key));
      this.pipes.set(key, piped);
    }
    return piped;
  }

  private track<T extends MediasoupProducerConnection | MediasoupConsumerConnection>(connection: T): T {
    this.connections.add(connection);
    connection.once('close', () => this.connections.delete(connection));
    return connection;
  }
}
