/**
 * The browser's WebSocket to the signaling API: connects with the token, identifies, keeps the
 * connection alive, and on a drop reconnects with backoff and identifies again (the same peer id,
 * so the server swaps the connection and nobody sees the participant leave). The socket may open
 * before the identity is known (a call getting ready on its pre-join screen): it then identifies
 * when `identify` is called, and nobody sees the peer until then.
 */
import type { EndpointIdentifyData, EndpointServerFrame, IdentifyData, ServerFrame } from '../../../protocol/index.ts';
import { Emitter } from '../emitter.ts';

export type SignalingState = 'connecting' | 'open' | 'reconnecting' | 'closed';

type Events<F> = {
  frame: [F];
  state: [SignalingState];
  /** The token was refused (401): the caller needs a fresh one. */
  unauthorized: [];
  /** The socket opened (identify goes out now, if the identity is known). */
  open: [];
};

/** A keepalive this often (API Gateway closes connections idle for 10 minutes). */
export const KEEPALIVE_MS = 5 * 60_000;

/** `F`: the frames this kind of peer gets (a room peer's, or a user endpoint's). */
export class SignalingClient<F extends ServerFrame | EndpointServerFrame = ServerFrame> extends Emitter<Events<F>> {
  private socket: WebSocket | undefined;
  private state: SignalingState = 'connecting';
  private attempt = 0;
  private keepalive: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closedByUs = false;

  constructor(
    private readonly wsUrl: string,
    private token: string,
    /** A room peer's identity, or a user endpoint's; undefined until `identify`. */
    private identity?: IdentifyData | EndpointIdentifyData,
  ) {
    super();
  }

  get current(): SignalingState {
    return this.state;
  }

  connect(): void {
    this.closedByUs = false;
    const url = new URL(this.wsUrl);
    url.searchParams.set('token', this.token);
    const socket = new WebSocket(url.toString());
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      if (this.identity) socket.send(JSON.stringify({ action: 'identify', data: this.identity }));
      this.emit('open');
    };
    socket.onmessage = (msg) => {
      let frame: F;
      try {
        frame = JSON.parse(String(msg.data)) as F;
      } catch {
        return;
      }
      if (frame.type === 'identified') this.setState('open');
      this.emit('frame', frame);
    };
    socket.onclose = () => {
      clearInterval(this.keepalive);
      if (this.closedByUs) return this.setState('closed');
      // a refused upgrade closes before open: the token may have expired
      if (!opened && this.attempt >= 2) this.emit('unauthorized');
      this.setState('reconnecting');
      const delay = Math.min(500 * 2 ** this.attempt, 10_000) * (0.8 + Math.random() * 0.4);
      this.attempt++;
      this.retry = setTimeout(() => this.connect(), delay);
    };
    clearInterval(this.keepalive);
    this.keepalive = setInterval(() => this.send({ action: 'keepalive' }), KEEPALIVE_MS);
  }

  /** Identifies as `identity` now if the socket is open, else as soon as it opens (and after every reconnect). */
  identify(identity: IdentifyData | EndpointIdentifyData): void {
    this.identity = identity;
    this.send({ action: 'identify', data: identity });
  }

  /** A new token (after the old one was refused); used from the next connection on. */
  setToken(token: string): void {
    this.token = token;
  }

  send(frame: unknown): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    this.closedByUs = true;
    clearTimeout(this.retry);
    clearInterval(this.keepalive);
    this.socket?.close(1000);
    this.setState('closed');
  }

  private setState(state: SignalingState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}
