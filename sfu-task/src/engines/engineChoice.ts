/**
 * Which media engine a room runs, and why: `SFU_ENGINE` forces either; unset, mediasoup wherever a
 * worker binary is found (mediasoup/workerBin.ts), werift otherwise. The SFU task and the local
 * stack decide with this one rule.
 */
import type { EngineName } from '../config.ts';
import { describeWorkerBin, findWorkerBin, missingWorkerReason, requireWorkerBin, type WorkerBin } from './mediasoup/workerBin.ts';

export interface EngineChoice {
  engine: EngineName;
  /** The worker binary (mediasoup only). */
  workerBin: WorkerBin | undefined;
  /** One line: why this engine. */
  reason: string;
}

/** Throws a ConfigError (one line) when mediasoup is forced and there is no worker. */
export function chooseEngine(forced: EngineName | undefined, configuredWorkerBin: string | undefined, home?: string): EngineChoice {
  if (forced === 'werift') return { engine: 'werift', workerBin: undefined, reason: 'SFU_ENGINE=werift' };
  if (forced === 'mediasoup') {
    const workerBin = requireWorkerBin(configuredWorkerBin, home);
    return { engine: 'mediasoup', workerBin, reason: `SFU_ENGINE=mediasoup, ${describeWorkerBin(workerBin)}` };
  }
  const workerBin = findWorkerBin(configuredWorkerBin, home);
  if (workerBin) return { engine: 'mediasoup', workerBin, reason: `${describeWorkerBin(workerBin)} found` };
  return {
    engine: 'werift',
    workerBin: undefined,
    reason: `${missingWorkerReason(configuredWorkerBin, home)}; set MEDIASOUP_WORKER_BIN or run "npm rebuild mediasoup --ignore-scripts=false" for mediasoup`,
  };
}
