/**
 * The caller's side of a call URL (`/c/<token>`): whom it calls, calling (waiting while a room starts),
 * ringing in the call's room with camera and microphone on, and how it ends: answered (the owner joins
 * the room), declined, missed, or hung up. A store for useSyncExternalStore. A reload while it rings or
 * after it was answered comes back to the same call.
 */
import type { CallResponse, CallUrlResponse, PlaceCallResponse } from '../../../protocol/index.ts';
import { CallerApi } from '../api/callsApi.ts';
import { keepAccess, roomKey } from '../api/keptAccess.ts';
import { ApiError, UnreachableError } from '../api/roomsApi.ts';
import type { ClientConfig } from '../config.ts';
import { CallSession } from './CallSession.ts';

export type OutgoingPhase = 'loading' | 'ready' | 'invalid' | 'placing' | 'ringing' | 'connected' | 'declined' | 'missed' | 'cancelled' | 'ended' | 'error';

export interface OutgoingState {
  phase: OutgoingPhase;
  /** Whom the link calls (once read). */
  link: CallUrlResponse | undefined;
  call: PlaceCallResponse | undefined;
  /** Why it is invalid or failed; or a note while ringing (nobody reachable). */
  message: string | undefined;
  /** Placing: no room was ready, one is starting. */
  waitingForRoom: boolean;
  /** The call's room, from ringing on. */
  session: CallSession | undefined;
}

/** How long placing waits for a room to start before giving up. */
const PLACE_TIMEOUT_MS = 180_000;
const keptCallKey = (callToken: string) => `call:${callToken}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class OutgoingCall {
  private state: OutgoingState = { phase: 'loading', link: undefined, call: undefined, message: undefined, waitingForRoom: false, session: undefined };
  private readonly listeners = new Set<() => void>();
  private readonly api: CallerApi;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private unwatch: (() => void) | undefined;
  private disposed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly callToken: string,
  ) {
    this.api = new CallerApi(config.apiUrl);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): OutgoingState => this.state;

  /** Reads the link; picks a call of this tab back up if it still rings or was answered. */
  async load(displayName: string): Promise<void> {
    let link: CallUrlResponse;
    try {
      link = await this.api.describe(this.callToken);
    } catch (error) {
      return this.set({ phase: 'invalid', message: error instanceof ApiError && error.status < 500 ? 'This call link does not exist. Ask for a new one.' : describeError(error) });
    }
    this.set({ link });
    const kept = this.keptCall();
    if (kept) {
      const now = await this.api.call(kept.callId, kept.token).catch(() => undefined);
      if (now?.status === 'ringing' || now?.status === 'accepted') return this.join(kept, now.status === 'ringing' ? 'ringing' : 'connected', displayName);
      sessionStorage.removeItem(keptCallKey(this.callToken));
    }
    if (!link.valid) return this.set({ phase: 'invalid', message: link.reason === 'revoked' ? `${link.callee} has revoked this call link.` : 'This call link has expired.' });
    this.set({ phase: 'ready' });
  }

  /** Calls: while no room is ready the server says one is starting, and this asks again. */
  async place(displayName: string): Promise<void> {
    if (this.state.phase !== 'ready' && !this.ended()) return;
    this.set({ phase: 'placing', message: undefined, waitingForRoom: false });
    const started = Date.now();
    for (;;) {
      try {
        const call = await this.api.place(this.callToken, displayName.trim() || undefined);
        if (this.disposed) return;
        keepAccess(roomKey(call.urlPath), { access: call, title: `Call with ${call.callee}` });
        sessionStorage.setItem(keptCallKey(this.callToken), JSON.stringify(call));
        return this.join(call, 'ringing', displayName);
      } catch (error) {
        if (this.disposed) return;
        const starting = error instanceof ApiError && error.status === 503;
        if (starting && Date.now() - started < PLACE_TIMEOUT_MS) {
          this.set({ waitingForRoom: true });
          await sleep(Math.min((error.retryAfter ?? 2) * 1000, 5000));
          continue;
        }
        if (error instanceof ApiError && error.status === 410) return this.set({ phase: 'invalid', message: `${error.message}.` });
        return this.set({ phase: 'error', message: starting ? 'No room server became ready. Try again in a minute.' : describeError(error) });
      }
    }
  }

  /** While it rings: the call stops ringing for the owner; later: leaves the call. */
  async hangUp(): Promise<void> {
    const { call, phase } = this.state;
    if (call && phase === 'ringing') {
      this.set({ phase: 'cancelled' });
      await this.api.hangUp(call.callId, call.token).catch(() => undefined);
    }
    this.state.session?.leave();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.deadline);
    this.unwatch?.();
    this.state.session?.dispose();
  }

  /** In the call's room: ringing until the owner comes in, with a look at the call at its deadline. */
  private join(call: PlaceCallResponse, phase: 'ringing' | 'connected', displayName: string): void {
    const session = new CallSession(this.config, { kind: 'path', urlPath: call.urlPath }, displayName);
    this.unwatch?.();
    this.unwatch = session.subscribe(() => this.onSession(session));
    const note = call.endpoints === 0 && phase === 'ringing' ? `${call.callee} is not reachable right now: they will see a missed call.` : undefined;
    this.set({ phase, call, session, message: note, waitingForRoom: false });
    void session.start();
    clearTimeout(this.deadline);
    const atDeadline = () => {
      if (this.state.phase !== 'ringing') return;
      void this.settle().then(() => {
        if (this.state.phase === 'ringing') this.deadline = setTimeout(atDeadline, 1000); // not written yet: look again
      });
    };
    this.deadline = setTimeout(atDeadline, Math.max(0, Date.parse(call.ringingUntil) - Date.now()) + 250);
  }

  private onSession(session: CallSession): void {
    const s = session.snapshot();
    if (this.state.phase === 'ringing' && s.participants.length > 0) this.set({ phase: 'connected', message: undefined });
    if (s.phase === 'closed' && (this.state.phase === 'ringing' || this.state.phase === 'connected')) void this.settle();
    if (s.phase === 'left') {
      if (this.state.phase === 'ringing') void this.hangUp();
      else if (this.state.phase === 'connected') this.set({ phase: 'ended' });
    }
    if (s.phase === 'error' && this.state.phase === 'ringing') this.set({ phase: 'error', message: s.error });
  }

  /** Reads how the call stands, and ends this side if it stopped ringing without an answer. */
  private async settle(): Promise<void> {
    const call = this.state.call;
    if (!call) return;
    let now: CallResponse;
    try {
      now = await this.api.call(call.callId, call.token);
    } catch {
      return;
    }
    const ended = ({ declined: 'declined', missed: 'missed', cancelled: 'cancelled' } as const)[now.status as 'declined'];
    if (ended) {
      this.state.session?.dispose();
      sessionStorage.removeItem(keptCallKey(this.callToken));
      this.set({ phase: ended, message: undefined });
    } else if (now.status === 'accepted' && this.state.session?.snapshot().phase === 'closed') {
      this.set({ phase: 'ended' });
    }
  }

  private keptCall(): PlaceCallResponse | undefined {
    try {
      const kept = JSON.parse(sessionStorage.getItem(keptCallKey(this.callToken)) ?? 'null') as PlaceCallResponse | null;
      return kept && kept.expiresAt * 1000 > Date.now() + 60_000 ? kept : undefined;
    } catch {
      return undefined;
    }
  }

  private ended(): boolean {
    return ['declined', 'missed', 'cancelled', 'ended', 'error'].includes(this.state.phase);
  }

  private set(patch: Partial<OutgoingState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function describeError(error: unknown): string {
  if (error instanceof UnreachableError) return 'The server cannot be reached. Check your connection and try again.';
  if (error instanceof ApiError) return `${error.message}.`.replace(/\.\.$/, '.');
  return (error as Error).message;
}
