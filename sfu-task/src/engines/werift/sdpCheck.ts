/**
 * Cheap checks of a client's SDP before werift sees it, so that garbage and media-less offers get a
 * clear 400 instead of an engine exception (or, worse, an answer with nothing in it).
 */
import { ClientInputError } from '../../errors.ts';

export function checkSdp(sdp: string | undefined, expected: 'offer' | 'answer'): string {
  if (typeof sdp !== 'string' || sdp.trim() === '') throw new ClientInputError(`${expected} has no sdp`);
  const lines = sdp.split(/\r?\n/);
  if (lines[0]?.trim() !== 'v=0' || !lines.some((l) => l.startsWith('o=')) || !lines.some((l) => l.startsWith('m='))) {
    if (!lines.some((l) => l.startsWith('m=')) && lines[0]?.trim() === 'v=0') {
      throw new ClientInputError(`${expected} has no media (no m= section)`);
    }
    throw new ClientInputError(`${expected} sdp is not a session description (expected "v=0", "o=" and "m=" lines)`);
  }
  const media = lines.filter((l) => l.startsWith('m=audio ') || l.startsWith('m=video '));
  if (media.length === 0) throw new ClientInputError(`${expected} has no audio or video`);
  if (!lines.some((l) => l.startsWith('a=fingerprint:'))) throw new ClientInputError(`${expected} has no DTLS fingerprint`);
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:'))) throw new ClientInputError(`${expected} has no ICE credentials`);
  return sdp;
}
