/**
 * Whose a track on a client's consumer connection is, without zod (the web client imports it from
 * here). The SFU names each track's msid stream after its publisher: a participant's microphone and
 * camera share the stream `<peerId>` (so the receiver keeps them in sync); its screen share is the
 * stream `<peerId>|screen`. Peer ids never contain `|`.
 */
export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Where a published track comes from. A publisher's first video section is its camera, a later one its screen. */
export type TrackSource = 'microphone' | 'camera' | 'screen';

export function mediaStreamId(peerId: string, source: TrackSource): string {
  return source === 'screen' ? `${peerId}|screen` : peerId;
}

/** The participant and stream (camera + microphone, or screen) of a consumer track's msid stream id. */
export function parseMediaStreamId(streamId: string): { peerId: string; screen: boolean } | undefined {
  const [peer, kind, ...rest] = streamId.split('|');
  if (!peer || !PEER_ID_PATTERN.test(peer) || rest.length > 0 || (kind !== undefined && kind !== 'screen')) return undefined;
  return { peerId: peer, screen: kind === 'screen' };
}
