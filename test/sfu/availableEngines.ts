/**
 * The SFU engines a media suite runs its cases on: werift always; mediasoup when a worker binary is
 * found (sfu-task's own search: MEDIASOUP_WORKER_BIN, ~/.cache/video-rooms, mediasoup's install), and
 * also whenever MEDIASOUP_WORKER_BIN is set: a configured worker that is missing or cannot carry media
 * makes the suites fail, never skip. `coverage` is the line such a suite prints, so that a run says
 * which engines it covered.
 */
import { findWorkerBin, missingWorkerReason, type WorkerBin } from '../../sfu-task/src/engines/mediasoup/workerBin.ts';

export type EngineName = 'werift' | 'mediasoup';

/** The real SFU task, as `npm start` runs it: blank is the stack's bundled task (test stacks default to an idle stand-in). */
export const SFU_TASK = '';

export interface EngineUnderTest {
  name: EngineName;
  /** Local stack settings that make its SFU tasks run this engine (the stack passes the worker on). */
  stackEnv: Record<string, string>;
  /** The SFU task's own settings for this engine (suites that start sfu-task themselves). */
  sfuEnv: Record<string, string>;
}

/** The worker the suites use, or undefined. A configured MEDIASOUP_WORKER_BIN counts even if missing. */
export function mediasoupWorkerBin(env: NodeJS.ProcessEnv = process.env, home?: string): WorkerBin | undefined {
  const configured = env.MEDIASOUP_WORKER_BIN || undefined;
  return findWorkerBin(configured, home) ?? (configured ? { path: configured, source: 'MEDIASOUP_WORKER_BIN' } : undefined);
}

export function availableEngines(env: NodeJS.ProcessEnv = process.env, home?: string): { engines: EngineUnderTest[]; coverage: string } {
  const engines: EngineUnderTest[] = [{ name: 'werift', stackEnv: { SFU_ENGINE: 'werift', SFU_TASK_COMMAND: SFU_TASK }, sfuEnv: { SFU_ENGINE: 'werift' } }];
  const bin = mediasoupWorkerBin(env, home);
  if (bin) {
    engines.push({
      name: 'mediasoup',
      stackEnv: { SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: bin.path, SFU_TASK_COMMAND: SFU_TASK },
      // one worker on any free port: test processes share this machine's loopback
      sfuEnv: { SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: bin.path, MEDIASOUP_WORKERS: '1', MEDIASOUP_RTC_PORT: '0' },
    });
  }
  const skipped = bin ? '' : ` (not mediasoup: ${missingWorkerReason(env.MEDIASOUP_WORKER_BIN || undefined, home)})`;
  return { engines, coverage: `SFU engines covered: ${engines.map((e) => e.name).join(', ')}${skipped}` };
}
