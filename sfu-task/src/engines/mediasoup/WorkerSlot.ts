/**
 * One mediasoup worker (a C++ process, one CPU) with the room's router on it and a WebRtcServer:
 * every WebRtcTransport of the slot shares the server's one UDP port (and a TCP fallback on the same
 * port number) on the announced address. Worker i listens on port basePort + i.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { isLoopback } from '../werift/peerConfig.ts';
import { MEDIA_CODECS } from './mediaCodecs.ts';

export interface WorkerSlotOptions {
  index: number;
  announcedIp: string;
  /** 0: any free port (the UDP and the TCP one then differ). */
  port: number;
  logLevel: types.WorkerLogLevel;
  /** true: the worker sends through io_uring where the kernel has it (MEDIASOUP_IO_URING=on); false: plain sendmsg. */
  ioUring: boolean;
}

export interface WorkerSlot {
  index: number;
  worker: types.Worker;
  router: types.Router;
  webRtcServer: types.WebRtcServer;
}

/** Why a slot could not be set up, as one line. */
export class WorkerSlotError extends Error {
  override name = 'WorkerSlotError';
}

const oneLine = (error: unknown) => (error as Error).message.replace(/\s+/g, ' ');

export async function createWorkerSlot({ index, announcedIp, port, logLevel, ioUring }: WorkerSlotOptions): Promise<WorkerSlot> {
  let worker: types.Worker;
  try {
    worker = await mediasoup.createWorker({ logLevel, appData: { index }, disableLiburing: !ioUring });
  } catch (error) {
    throw new WorkerSlotError(
      `the mediasoup worker ${mediasoup.workerBin} did not start (${oneLine(error)}); it must be a mediasoup ${mediasoup.version} worker for this machine`,
    );
  }
  try {
    // on loopback (local stack, tests) listen there only; elsewhere (Fargate) on every interface, announcing the public IP
    const ip = isLoopback(announcedIp) ? announcedIp : announcedIp.includes(':') ? '::' : '0.0.0.0';
    const announced = isLoopback(announcedIp) ? {} : { announcedAddress: announcedIp };
    const fixed = port === 0 ? {} : { port };
    const webRtcServer = await worker
      .createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip, ...fixed, ...announced },
          { protocol: 'tcp', ip, ...fixed, ...announced },
        ],
      })
      .catch((error: unknown) => {
        throw new WorkerSlotError(`worker ${index} cannot listen on ${ip} port ${port || '(any)'} UDP/TCP (${oneLine(error)})`);
      });
    const router = await worker.createRouter({ mediaCodecs: structuredClone(MEDIA_CODECS) });
    return { index, worker, router, webRtcServer };
  } catch (error) {
    worker.close();
    throw error;
  }
}

export function createTransport(slot: WorkerSlot, appData: types.AppData): Promise<types.WebRtcTransport> {
  return slot.router.createWebRtcTransport({
    webRtcServer: slot.webRtcServer,
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    appData,
  });
}
