/**
 * The join flow: the room bound to the path, else claim a ready one, else start one and keep claiming
 * with backoff until it is ready (a Fargate room takes tens of seconds), reporting progress throughout.
 */
import type { RoomAccessResponse } from '../../../protocol/index.ts';
import { ApiError, type RoomsApi } from './roomsApi.ts';

export type JoinStep = 'finding' | 'claiming' | 'starting' | 'waiting';

export interface JoinProgress {
  step: JoinStep;
  /** Since the flow began. */
  elapsedMs: number;
  attempt: number;
}

export interface JoinOptions {
  onProgress?: (p: JoinProgress) => void;
  /** Give up waiting for a started room after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

export class RoomStartTimeoutError extends Error {}

/**
 * The wait before claim attempt `attempt + 1` while a started room gets ready: short, because the
 * room is taken the moment a claim finds it (a claim is one query and one conditional write; nothing
 * tells a client without a socket that a room is ready), so a longer wait is time the joiner loses.
 */
function claimRetryDelayMs(attempt: number): number {
  return Math.min(250 * 1.5 ** (attempt - 1), 1000);
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function joinRoom(api: RoomsApi, urlPath: string, options: JoinOptions = {}): Promise<RoomAccessResponse> {
  const started = Date.now();
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const report = (step: JoinStep, attempt = 0) => options.onProgress?.({ step, elapsedMs: Date.now() - started, attempt });
  const notFound = (e: unknown) => e instanceof ApiError && e.status === 404;

  report('finding');
  try {
    return await api.getRoomId(urlPath);
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  report('claiming');
  try {
    return await api.claimRoom(urlPath);
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  report('starting');
  try {
    await api.createRoom();
  } catch (e) {
    // over the cap: someone else's room may still free up or finish starting; keep claiming
    if (!(e instanceof ApiError && e.status === 429)) throw e;
  }
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    report('waiting', attempt);
    try {
      return await api.claimRoom(urlPath);
    } catch (e) {
      if (!notFound(e)) throw e;
    }
    if (Date.now() - started > timeoutMs) {
      throw new RoomStartTimeoutError(`No room became ready in ${Math.round(timeoutMs / 1000)} s.`);
    }
    await sleep(claimRetryDelayMs(attempt));
  }
}
