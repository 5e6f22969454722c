/** The media engine named by SFU_ENGINE. */
import type { EngineName } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { MediaEngine } from './MediaEngine.ts';
import { WeriftEngine } from './werift/WeriftEngine.ts';

export interface EngineNetwork {
  announcedIp: string;
  portRange: [number, number] | undefined;
}

export function createEngine(name: EngineName, network: EngineNetwork): MediaEngine {
  switch (name) {
    case 'werift':
      return new WeriftEngine({ announcedIp: network.announcedIp, ...(network.portRange && { portRange: network.portRange }) });
    case 'mediasoup':
      throw new ConfigError('SFU_ENGINE=mediasoup: the mediasoup engine is not available in this build (use SFU_ENGINE=werift)');
  }
}
