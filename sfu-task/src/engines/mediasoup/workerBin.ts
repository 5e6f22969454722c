/**
 * Where the mediasoup worker binary is, and whether it is there. mediasoup's install step downloads
 * or compiles it (the SFU image does that at build time); a machine that installed without install
 * scripts has the TypeScript API only. Without a worker the engine cannot start: one clear line.
 */
import { constants, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../errors.ts';

/** mediasoup's own default: <package>/worker/out/Release/mediasoup-worker. */
export function defaultWorkerBin(): string {
  const require = createRequire(import.meta.url);
  const lib = dirname(require.resolve('mediasoup')); // <package>/node/lib
  return join(lib, '..', '..', 'worker', 'out', 'Release', 'mediasoup-worker');
}

/** The worker binary to run: MEDIASOUP_WORKER_BIN if set, else mediasoup's default path. */
export function workerBinPath(configured: string | undefined): string {
  return configured ?? defaultWorkerBin();
}

/** Resolves if the worker binary exists and is executable; otherwise a ConfigError with one clear line. */
export async function checkWorkerBin(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new ConfigError(
      `SFU_ENGINE=mediasoup: no mediasoup worker binary at ${path} (this install has none; build the SFU image, or set MEDIASOUP_WORKER_BIN to a mediasoup ${mediasoupVersion()} worker, or use SFU_ENGINE=werift)`,
    );
  }
}

/** The installed mediasoup's version (its package.json is not in its exports: read from the file). */
function mediasoupVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('mediasoup')), '..', '..', 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '3';
  }
}
