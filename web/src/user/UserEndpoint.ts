/**
 * This tab as one of the signed-in user's endpoints: registers it, keeps it alive (a keepalive at half
 * the window, and at once when the server's reminder comes), receives pushed events over the
 * WebSocket API (acknowledging each, so at-least-once events are not sent again) and registers anew
 * if the endpoint expired while the tab slept.
 */
import type { EndpointServerFrame, UserEventFrame } from '../../../protocol/index.ts';
import { EndpointsApi } from '../api/endpointsApi.ts';
import { ApiError } from '../api/roomsApi.ts';
import { Emitter } from '../emitter.ts';
import { SignalingClient } from '../signaling/SignalingClient.ts';

export type PushedEvent = UserEventFrame['event'];

type Events = {
  event: [PushedEvent];
  state: ['registering' | 'online' | 'offline'];
};

const KEEPALIVE_SECONDS = 60;
const REMINDER_EVENT = 'UserEndpointKeepAliveReminderEvent';

export class UserEndpoint extends Emitter<Events> {
  private readonly api: EndpointsApi;
  private signaling: SignalingClient<EndpointServerFrame> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private id: string | undefined;
  private stopped = false;
  /** Event ids already shown: a redelivery after a reconnect is not shown twice. */
  private readonly seen = new Set<string>();

  constructor(
    apiUrl: string,
    private readonly webSocketUrl: string,
    private token: string,
  ) {
    super();
    this.api = new EndpointsApi(apiUrl, token);
  }

  /** A renewed user token: the next requests and the next connection use it. */
  setToken(token: string): void {
    this.token = token;
    this.api.setToken(token);
    this.signaling?.setToken(token);
  }

  async start(): Promise<void> {
    this.emit('state', 'registering');
    try {
      this.id = await this.api.register(KEEPALIVE_SECONDS);
    } catch (error) {
      console.warn('endpoint registration failed', error);
      this.emit('state', 'offline');
      return;
    }
    if (this.stopped) return;
    const id = this.id;
    this.signaling?.close();
    // a user token connects for one named endpoint of its user
    const wsUrl = new URL(this.webSocketUrl);
    wsUrl.searchParams.set('userEndpointId', id);
    const signaling = new SignalingClient<EndpointServerFrame>(wsUrl.toString(), this.token, { type: 'endpoint', id });
    this.signaling = signaling;
    signaling.on('frame', (frame) => this.onFrame(frame));
    signaling.on('state', (s) => this.emit('state', s === 'open' ? 'online' : 'offline'));
    signaling.connect();
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.keepalive(), (KEEPALIVE_SECONDS * 1000) / 2);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.signaling?.close();
    if (this.id) void this.api.unregister(this.id, 'tab closed').catch(() => undefined);
  }

  private onFrame(frame: EndpointServerFrame): void {
    if (frame.type !== 'event' || !('eventId' in frame.event)) return;
    const event = frame.event as PushedEvent;
    this.signaling?.send({ action: 'ack', data: { eventId: event.eventId } });
    if (event.type === REMINDER_EVENT) {
      void this.keepalive();
      return;
    }
    if (this.seen.has(event.eventId)) return;
    this.seen.add(event.eventId);
    this.emit('event', event);
  }

  private async keepalive(): Promise<void> {
    if (!this.id || this.stopped) return;
    try {
      await this.api.keepalive(this.id);
    } catch (error) {
      // the window closed (the tab slept): the endpoint is gone, so register a new one
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) await this.start();
    }
  }
}
