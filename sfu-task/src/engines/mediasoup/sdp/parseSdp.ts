/** A client's SDP, parsed with sdp-transform after the same cheap checks the werift engine makes (400 on garbage). */
import * as sdpTransform from 'sdp-transform';
import { ClientInputError } from '../../../errors.ts';
import { checkSdp } from '../../werift/sdpCheck.ts';

export type SessionSdp = sdpTransform.SessionDescription;
export type MediaSection = SessionSdp['media'][number];

export function parseSdp(sdp: string | undefined, expected: 'offer' | 'answer'): SessionSdp {
  const text = checkSdp(sdp, expected);
  let parsed: SessionSdp;
  try {
    parsed = sdpTransform.parse(text);
  } catch (error) {
    throw new ClientInputError(`${expected} sdp does not parse: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed.media) || parsed.media.length === 0) throw new ClientInputError(`${expected} has no media (no m= section)`);
  return parsed;
}

export function writeSdp(session: SessionSdp): string {
  return sdpTransform.write(session);
}
