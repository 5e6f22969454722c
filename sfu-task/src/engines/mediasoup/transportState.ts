/** A WebRtcTransport's ICE and DTLS states as the engine interface's connection state. */
import type { types } from 'mediasoup';
import type { ConnectionState } from '../MediaEngine.ts';

export function connectionState(ice: types.IceState, dtls: types.DtlsState): ConnectionState {
  if (dtls === 'failed') return 'failed';
  if (dtls === 'closed' || ice === 'closed') return 'closed';
  if (ice === 'disconnected') return 'disconnected';
  if (dtls === 'connected') return 'connected';
  if (dtls === 'connecting' || ice === 'connected' || ice === 'completed') return 'connecting';
  return 'new';
}
