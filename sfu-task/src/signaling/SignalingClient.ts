/**
 * The SFU's connection to the WebSocket API: connects with `?token=`, identifies as the room's SFU,
 * sends `keepalive` while idle, reconnects with backoff after a drop and re-identifies, and moves to
 * a fresh connection before API Gateway's 2-hour limit (make before break: the new connection is
 * identified before the old one closes). None of this touches media: only frames go through here.
 *
 * Frames sent while no connection is identified are queued and sent, in order, once one is.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '@aws-lambda-powertools/logger';
import WebSocket from 'ws';
import { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.ts';

export interface SignalingClientOptions {
  url: string;
  token: string | undefined;
  roomId: string;
  sfuId: string;
  logger: Logger;
  keepaliveMs: number;
  /** Open a new connection (and close the old one) after this long. */
  rotateMs: number;
  /** Give up (emit `unreachable`) after this long without an identified connection. */
  maxOfflineMs: number;
  backoff?: BackoffOptions;
  /** How long to wait for the `identified` frame before treating the connection as identified anyway. */
  identifyTimeoutMs?: number;
}

export type SignalingClientEvents = {
  /** A parsed server frame (a JSON object). */
  frame: [Record<string, unknown>];
  /** A connection is identified (first time, after a reconnect, after a rotation). */
  identified: [{ reconnect: boolean; rotation: boolean }];
  /** The identified connection dropped; a reconnect is scheduled. */
  disconnected: [];
  /** No identified connection for maxOfflineMs. */
  unreachable: [];
};

const MAX_QUEUED_FRAMES = 2000;

interface Link {
  ws: WebSocket;
  identified: boolean;
  openedAt: number;
  identifyTimer?: NodeJS.Timeout;
}

export class SignalingClient extends EventEmitter<SignalingClientEvents> {
  private active: Link | undefined;
  private pending: Link | undefined;
  private readonly queue: string[] = [];
  private attempt = 0;
  private everIdentified = false;
  private closed = false;
  private lastSentAt = Date.now();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private rotateTimer: NodeJS.Timeout | undefined;
  private offlineTimer: NodeJS.Timeout | undefined;
  private readonly backoff: BackoffOptions;
  private readonly identifyTimeoutMs: number;
  /** Connections opened so far (for tests and logs). */
  connections = 0;

  constructor(private readonly options: SignalingClientOptions) {
    super();
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.identifyTimeoutMs = options.identifyTimeoutMs ?? 3000;
  }

  start(): void {
    this.armOfflineTimer();
    this.keepaliveTimer = setInterval(() => this.keepalive(), Math.min(this.options.keepaliveMs, 1000));
    this.open(false);
  }

  get isIdentified(): boolean {
    return this.active?.identified === true;
  }

  /** Sends a frame now if a connection is identified, else as soon as one is. */
  send(frame: Record<string, unknown>): void {
    if (this.closed) return;
    const text = JSON.stringify(frame);
    const link = this.active;
    if (link?.identified && link.ws.readyState === WebSocket.OPEN) {
      this.write(link, text);
      return;
    }
    this.queue.push(text);
    if (this.queue.length > MAX_QUEUED_FRAMES) {
      this.queue.shift();
      this.options.logger.warn('signaling queue full: dropped the oldest frame');
    }
  }

  /**
   * Closes on purpose: 1000 (the room is done), or SFU_GOING_AWAY_CLOSE_CODE (this server is going
   * away: its clients should rejoin); either way the signaling plane closes the room at once. Resolves
   * once the sockets are closed, or after `flushMs`, so that a process exiting next does not cut the
   * close frame off (and leave its room to the reconnect grace).
   */
  close(code = 1000, flushMs = 1000): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const timer of [this.reconnectTimer, this.rotateTimer, this.offlineTimer]) clearTimeout(timer);
    clearInterval(this.keepaliveTimer);
    const links = [this.active, this.pending].filter((link): link is Link => link !== undefined);
    this.active = undefined;
    this.pending = undefined;
    return Promise.all(
      links.map(
        (link) =>
          new Promise<void>((resolve) => {
            if (link.ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(resolve, flushMs);
            link.ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            this.dispose(link, code, 'sfu closing');
          }),
      ),
    ).then(() => undefined);
  }

  private open(rotation: boolean): void {
    if (this.closed) return;
    const url = new URL(this.options.url);
    if (this.options.token) url.searchParams.set('token', this.options.token);
    const ws = new WebSocket(url, { handshakeTimeout: 10_000 });
    const link: Link = { ws, identified: false, openedAt: Date.now() };
    this.connections++;
    if (rotation) this.pending = link;
    else this.active = link;
    const log = this.options.logger;

    ws.on('open', () => {
      log.info('signaling connected; identifying', { rotation, connection: this.connections });
      this.write(link, JSON.stringify({ action: 'identify', data: { id: this.options.sfuId, roomId: this.options.roomId, type: 'sfu' } }));
      link.identifyTimer = setTimeout(() => this.onIdentified(link, rotation), this.identifyTimeoutMs);
    });
    ws.on('message', (raw) => {
      let frame: unknown;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        log.warn('signaling sent a frame that is not JSON');
        return;
      }
      if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return;
      const f = frame as Record<string, unknown>;
      if (f.type === 'identified' && !link.identified) {
        this.onIdentified(link, rotation);
        return;
      }
      if (f.type === 'error' && f.action === 'identify') {
        log.error('identify rejected', { status: f.status, message: f.message });
        ws.terminate();
        return;
      }
      this.emit('frame', f);
    });
    ws.on('unexpected-response', (_request, response) => {
      log.error('signaling refused the connection', { status: response.statusCode });
      ws.terminate();
    });
    ws.on('error', (error) => log.warn('signaling connection error', { error: error.message }));
    ws.on('close', (code) => this.onClose(link, code));
  }

  private onIdentified(link: Link, rotation: boolean): void {
    clearTimeout(link.identifyTimer);
    if (link.identified || this.closed || link.ws.readyState !== WebSocket.OPEN) return;
    link.identified = true;
    const reconnect = this.everIdentified && !rotation;
    this.everIdentified = true;
    this.attempt = 0;
    clearTimeout(this.offlineTimer);
    if (rotation && this.pending === link) {
      const old = this.active;
      this.active = link;
      this.pending = undefined;
      if (old) this.dispose(old, 1000, 'rotated to a new connection');
    }
    this.options.logger.info('signaling identified', { reconnect, rotation });
    for (const text of this.queue.splice(0)) this.write(link, text);
    clearTimeout(this.rotateTimer);
    this.rotateTimer = setTimeout(() => this.open(true), this.options.rotateMs);
    this.emit('identified', { reconnect, rotation });
  }

  private onClose(link: Link, code: number): void {
    clearTimeout(link.identifyTimer);
    if (this.closed) return;
    if (this.pending === link) {
      // A rotation attempt failed: the old connection still works; try again later.
      this.pending = undefined;
      this.options.logger.warn('signaling rotation failed; keeping the current connection', { code });
      clearTimeout(this.rotateTimer);
      this.rotateTimer = setTimeout(() => this.open(true), backoffDelay(this.attempt++, this.backoff));
      return;
    }
    if (this.active !== link) return; // an old, rotated-out connection
    this.active = undefined;
    if (link.identified) {
      this.options.logger.warn('signaling connection dropped; reconnecting', { code });
      this.emit('disconnected');
      this.armOfflineTimer();
    }
    if (this.pending) {
      // A rotation is under way: it becomes the reconnect.
      return;
    }
    clearTimeout(this.rotateTimer);
    const delay = backoffDelay(this.attempt++, this.backoff);
    this.reconnectTimer = setTimeout(() => this.open(false), delay);
  }

  private keepalive(): void {
    const link = this.active;
    if (!link?.identified || link.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastSentAt >= this.options.keepaliveMs) this.write(link, JSON.stringify({ action: 'keepalive' }));
  }

  private write(link: Link, text: string): void {
    link.ws.send(text);
    this.lastSentAt = Date.now();
  }

  private armOfflineTimer(): void {
    clearTimeout(this.offlineTimer);
    this.offlineTimer = setTimeout(() => {
      if (!this.closed && !this.isIdentified) this.emit('unreachable');
    }, this.options.maxOfflineMs);
  }

  private dispose(link: Link, code: number, reason: string): void {
    clearTimeout(link.identifyTimer);
    link.ws.removeAllListeners('message');
    if (link.ws.readyState === WebSocket.OPEN) link.ws.close(code, reason);
    else link.ws.terminate();
  }
}
