/**
 * What werift producer and consumer connections share: the RTCPeerConnection, its local candidates
 * and state as typed events, remote candidates, close().
 */
import { EventEmitter } from 'node:events';
import { RTCPeerConnection, type RTCPeerConnectionConfig } from 'werift';
import { ClientInputError } from '../../errors.ts';
import type { ConnectionEvents, ConnectionState, IceCandidate } from '../MediaEngine.ts';
import type { GatherLock } from './gatherLock.ts';

export abstract class WeriftConnection<Events extends ConnectionEvents & Record<keyof Events, unknown[]>> extends EventEmitter<Events> {
  readonly peerId: string;
  protected readonly pc: RTCPeerConnection;
  private _state: ConnectionState = 'new';
  private _closed = false;

  constructor(
    peerId: string,
    config: RTCPeerConnectionConfig,
    protected readonly gatherLock: GatherLock,
  ) {
    super();
    this.peerId = peerId;
    this.pc = new RTCPeerConnection(config);
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (candidate && !this._closed) {
        const json = candidate.toJSON();
        (this as EventEmitter<ConnectionEvents>).emit('candidate', {
          candidate: json.candidate,
          sdpMid: json.sdpMid ?? null,
          sdpMLineIndex: json.sdpMLineIndex ?? null,
          ...(json.usernameFragment !== undefined && { usernameFragment: json.usernameFragment }),
        });
      }
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (this._closed) return;
      this._state = state;
      (this as EventEmitter<ConnectionEvents>).emit('statechange', state);
      if (state === 'closed') this.close();
    });
  }

  get state(): ConnectionState {
    return this._state;
  }

  get closed(): boolean {
    return this._closed;
  }

  async addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    if (this._closed) return;
    if (candidate === null || candidate.candidate === '') return; // end of candidates: nothing to do for werift
    if (!/^(a=)?candidate:/.test(candidate.candidate)) {
      throw new ClientInputError('candidate is not an ICE candidate line ("candidate:...")');
    }
    try {
      await this.pc.addIceCandidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? undefined,
        sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
        usernameFragment: candidate.usernameFragment ?? undefined,
      });
    } catch (error) {
      throw new ClientInputError(`candidate rejected: ${(error as Error).message}`);
    }
  }

  /** Applies a local description with gathering serialized (port range), returns the full local SDP. */
  protected async setLocal(description: { type: 'offer' | 'answer'; sdp: string }): Promise<string> {
    await this.gatherLock.run(() => this.pc.setLocalDescription(description));
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('werift produced no local description');
    return sdp;
  }

  /** werift keeps no transport figures the SFU could report: clients read their own getStats. */
  async stats(): Promise<undefined> {
    return undefined;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._state = 'closed';
    this.onClose();
    this.pc.close().catch(() => undefined);
    (this as EventEmitter<ConnectionEvents>).emit('statechange', 'closed');
    (this as EventEmitter<ConnectionEvents>).emit('close');
  }

  /** Subclass clean-up (RTP subscriptions) before the peer connection closes. */
  protected abstract onClose(): void;
}
