/** The media engine named by SFU_ENGINE. */
import { DEFAULT_MEDIASOUP_RTC_PORT, type EngineName, type MediasoupConfig } from '../config.ts';
import type { MediaEngine } from './MediaEngine.ts';
import { WeriftEngine } from './werift/WeriftEngine.ts';

export interface EngineNetwork {
  announcedIp: string;
  portRange: [number, number] | undefined;
}

export interface EngineHooks {
  /** The engine cannot go on (a mediasoup worker died): the process should exit. */
  onFatal?: (error: Error) => void;
  warn?: (message: string, extra: Record<string, unknown>) => void;
}

/**
 * Starts the engine. mediasoup is loaded only when chosen, after MEDIASOUP_WORKER_BIN is in the
 * environment (mediasoup reads it once, when loaded); without a worker binary this rejects with a
 * ConfigError of one line.
 */
export async function createEngine(name: EngineName, network: EngineNetwork, mediasoupConfig?: MediasoupConfig, hooks: EngineHooks = {}): Promise<MediaEngine> {
  switch (name) {
    case 'werift':
      return new WeriftEngine({ announcedIp: network.announcedIp, ...(network.portRange && { portRange: network.portRange }) });
    case 'mediasoup': {
      const { requireWorkerBin } = await import('./mediasoup/workerBin.ts');
      const config = mediasoupConfig ?? { workerBin: undefined, rtcPort: DEFAULT_MEDIASOUP_RTC_PORT, workers: 1, ioUring: false };
      process.env.MEDIASOUP_WORKER_BIN = requireWorkerBin(config.workerBin).path;
      const { MediasoupEngine } = await import('./mediasoup/MediasoupEngine.ts');
      return MediasoupEngine.start({
        announcedIp: network.announcedIp,
        rtcPort: config.rtcPort,
        workers: config.workers,
        ioUring: config.ioUring,
        ...(hooks.onFatal && { onWorkerDied: hooks.onFatal }),
        ...(hooks.warn && { warn: hooks.warn }),
      });
    }
  }
}
