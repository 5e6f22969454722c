/**
 * What mediasoup producer and consumer connections share: one WebRtcTransport (created with the
 * first description), its ICE/DTLS states as `statechange` events, the client's candidates (checked,
 * then not needed: the SFU is ICE-lite and learns the client's address from its connectivity
 * checks; its own candidates are in its descriptions, so no `candidate` events), and close().
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { ClientInputError } from '../../errors.ts';
import type { ConnectionEvents, ConnectionState, IceCandidate, TransportStats } from '../MediaEngine.ts';
import type { TransportDescription } from './sdp/transportSdp.ts';
import { connectionState } from './transportState.ts';
import { createTransport, type WorkerSlot } from './WorkerSlot.ts';

let sessionCounter = 0;

export abstract class MediasoupConnection<Events extends ConnectionEvents & Record<keyof Events, unknown[]>> extends EventEmitter<Events> {
  readonly peerId: string;
  protected transport: types.WebRtcTransport | undefined;
  private creating: Promise<types.WebRtcTransport> | undefined;
  private _state: ConnectionState = 'new';
  private _closed = false;
  /** SDP o= line: one session id per connection, a version per description. */
  protected readonly sessionId = `${Date.now()}${String(sessionCounter++).padStart(4, '0')}`;
  protected sdpVersion = 0;
  /** DTLS parameters given to transport.connect() (once per transport). */
  protected connected = false;

  constructor(
    peerId: string,
    protected readonly slot: WorkerSlot,
  ) {
    super();
    this.peerId = peerId;
  }

  get state(): ConnectionState {
    return this._state;
  }

  get closed(): boolean {
    return this._closed;
  }

  async addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    if (this._closed || candidate === null || candidate.candidate === '') return;
    if (!/^(a=)?candidate:/.test(candidate.candidate)) {
      throw new ClientInputError('candidate is not an ICE candidate line ("candidate:...")');
    }
  }

  /** The connection's transport, created on first use. */
  protected async ensureTransport(): Promise<types.WebRtcTransport> {
    if (this.transport) return this.transport;
    this.creating ??= createTransport(this.slot, { peerId: this.peerId }).then((transport) => {
      if (this._closed) {
        transport.close();
        throw new Error('connection closed while its transport was created');
      }
      this.transport = transport;
      const update = () => this.setState(connectionState(transport.iceState, transport.dtlsState));
      transport.on('icestatechange', update);
      transport.on('dtlsstatechange', (dtls) => {
        update();
        if (dtls === 'connected') this.onConnected();
        if (dtls === 'failed' || dtls === 'closed') this.close();
      });
      transport.observer.once('close', () => this.close());
      return transport;
    });
    this.creating.catch(() => (this.creating = undefined)); // a failed creation may be retried
    return this.creating;
  }

  async stats(): Promise<TransportStats | undefined> {
    const transport = this.transport;
    if (!transport || transport.closed) return undefined;
    const [t] = await transport.getStats();
    if (!t) return undefined;
    return {
      sendKbps: Math.round(t.sendBitrate / 1000),
      recvKbps: Math.round(t.recvBitrate / 1000),
      ...(t.availableOutgoingBitrate !== undefined && { availableKbps: Math.round(t.availableOutgoingBitrate / 1000) }),
      ...(await this.streamStats().catch(() => ({}))),
    };
  }

  /** What the connection's RTP streams add to its transport's figures (round-trip time, loss). */
  protected async streamStats(): Promise<Partial<TransportStats>> {
    return {};
  }

  protected describe(transport: types.WebRtcTransport): TransportDescription {
    return { iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  protected async connect(transport: types.WebRtcTransport, dtlsParameters: types.DtlsParameters): Promise<void> {
    if (this.connected) return;
    this.connected = true;
    await transport.connect({ dtlsParameters });
  }

  private setState(state: ConnectionState): void {
    if (this._closed || state === this._state) return;
    this._state = state;
    (this as EventEmitter<ConnectionEvents>).emit('statechange', state);
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._state = 'closed';
    this.onClose();
    if (this.transport && !this.transport.closed) this.transport.close();
    (this as EventEmitter<ConnectionEvents>).emit('statechange', 'closed');
    (this as EventEmitter<ConnectionEvents>).emit('close');
  }

  /** DTLS is up: media can flow. */
  protected onConnected(): void {}

  /** Subclass clean-up before the transport closes. */
  protected abstract onClose(): void;
}
