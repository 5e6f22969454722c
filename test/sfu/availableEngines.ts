/**
 * The SFU engines that can run on this machine, for suites that run their cases per engine: werift
 * always; mediasoup when a worker binary is found (MEDIASOUP_WORKER_BIN, or mediasoup's own after its
 * install step). `coverage` is the line such a suite prints, so a run says which engines it covered.
 */
import { accessSync, constants } from 'node:fs';
import { workerBinPath } from '../../sfu-task/src/engines/mediasoup/workerBin.ts';

export interface EngineUnderTest {
  name: 'werift' | 'mediasoup';
  /** Local stack settings that make its SFU tasks run this engine. */
  stackEnv: Record<string, string>;
}

const TASK = 'node --import tsx sfu-task/src/main.ts';

export function mediasoupWorkerBin(): string | undefined {
  const bin = workerBinPath(process.env.MEDIASOUP_WORKER_BIN || undefined);
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return undefined;
  }
}

export function availableEngines(): { engines: EngineUnderTest[]; coverage: string } {
  const engines: EngineUnderTest[] = [{ name: 'werift', stackEnv: { SFU_ENGINE: 'werift', SFU_TASK_COMMAND: TASK } }];
  const bin = mediasoupWorkerBin();
  if (bin && !/\s/.test(bin)) {
    // the ECS stand-in passes tasks only their overrides (and PATH, HOME...): the worker settings go
    // on the command line; one worker per room, any free port (rooms share this machine's loopback)
    engines.push({
      name: 'mediasoup',
      stackEnv: { SFU_ENGINE: 'mediasoup', SFU_TASK_COMMAND: `env SFU_ENGINE=mediasoup MEDIASOUP_WORKER_BIN=${bin} MEDIASOUP_WORKERS=1 MEDIASOUP_RTC_PORT=0 ${TASK}` },
    });
  }
  const skipped = engines.length === 1 ? ` (not mediasoup: no worker binary at ${workerBinPath(process.env.MEDIASOUP_WORKER_BIN || undefined)})` : '';
  return { engines, coverage: `SFU engines covered: ${engines.map((e) => e.name).join(', ')}${skipped}` };
}
