/**
 * Where the mediasoup worker binary is. mediasoup's install step downloads or compiles it (the SFU
 * image does that at build time); a machine that installed without install scripts has the
 * TypeScript API only. Looked for, in order:
 *
 * 1. `MEDIASOUP_WORKER_BIN`, when set: that one and no other;
 * 2. `~/.cache/video-rooms/mediasoup-worker-<mediasoup version>`: a worker built for this machine
 *    outside the repository (kept there so later runs and CI on the same machine find it);
 * 3. mediasoup's own install location, `<package>/worker/out/Release/mediasoup-worker`.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../errors.ts';

export type WorkerBinSource = 'MEDIASOUP_WORKER_BIN' | 'cache' | 'install';

export interface WorkerBin {
  path: string;
  source: WorkerBinSource;
}

const require = createRequire(import.meta.url);

/** The installed mediasoup's version (its package.json is not in its exports: read from the file). */
export function mediasoupVersion(): string {
  const file = join(dirname(require.resolve('mediasoup')), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** mediasoup's own default: <package>/worker/out/Release/mediasoup-worker. */
export function defaultWorkerBin(): string {
  const lib = dirname(require.resolve('mediasoup')); // <package>/node/lib
  return join(lib, '..', '..', 'worker', 'out', 'Release', 'mediasoup-worker');
}

/** Where a worker built for this machine is kept: ~/.cache/video-rooms/mediasoup-worker-<version>. */
export function cachedWorkerBin(home: string = homedir()): string {
  return join(home, '.cache', 'video-rooms', `mediasoup-worker-${mediasoupVersion()}`);
}

/** The places looked at, in order (only the configured one when MEDIASOUP_WORKER_BIN is set). */
export function workerBinCandidates(configured: string | undefined, home?: string): WorkerBin[] {
  if (configured) return [{ path: configured, source: 'MEDIASOUP_WORKER_BIN' }];
  return [
    { path: cachedWorkerBin(home), source: 'cache' },
    { path: defaultWorkerBin(), source: 'install' },
  ];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable worker binary of the candidates, or undefined. */
export function findWorkerBin(configured: string | undefined, home?: string): WorkerBin | undefined {
  return workerBinCandidates(configured, home).find((candidate) => executable(candidate.path));
}

/** Why no worker was found, naming every place looked at. */
export function missingWorkerReason(configured: string | undefined, home?: string): string {
  const places = workerBinCandidates(configured, home).map((c) => c.path);
  return `no mediasoup worker binary at ${places.join(' or ')}`;
}

/** The worker to run, or a ConfigError with one clear line. */
export function requireWorkerBin(configured: string | undefined, home?: string): WorkerBin {
  const found = findWorkerBin(configured, home);
  if (found) return found;
  let version = '3';
  try {
    version = mediasoupVersion();
  } catch {
    // keep the generic wording
  }
  throw new ConfigError(
    `SFU_ENGINE=mediasoup: ${missingWorkerReason(configured, home)} (this install has none; run "npm rebuild mediasoup --ignore-scripts=false", or set MEDIASOUP_WORKER_BIN to a mediasoup ${version} worker, or use SFU_ENGINE=werift)`,
  );
}

/** A one-line description of where the worker came from, for start-up logs. */
export function describeWorkerBin(bin: WorkerBin): string {
  switch (bin.source) {
    case 'MEDIASOUP_WORKER_BIN':
      return `MEDIASOUP_WORKER_BIN=${bin.path}`;
    case 'cache':
      return `the worker built for this machine at ${bin.path}`;
    case 'install':
      return `mediasoup's installed worker at ${bin.path}`;
  }
}
