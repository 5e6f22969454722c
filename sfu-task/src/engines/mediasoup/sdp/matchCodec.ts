/**
 * Whether an offered codec is the same codec as a capability's: MIME type, clock rate, channels
 * (audio), and the parameters that make a different bitstream: H.264 packetization-mode and profile
 * (profile_idc + constraint flags, level ignored), VP9 profile-id.
 */
import type { types } from 'mediasoup';

type CodecLike = Pick<types.RtpCodecParameters, 'mimeType' | 'clockRate' | 'channels' | 'parameters'>;

/** H.264 profile from profile-level-id: profile_idc + profile-iop with the level byte dropped (42e0, 4200, 4d00, 6400...). */
export function h264Profile(parameters: Record<string, unknown> | undefined): string {
  const id = String(parameters?.['profile-level-id'] ?? '42001f').toLowerCase();
  if (!/^[0-9a-f]{6}$/.test(id)) return 'invalid';
  const idc = id.slice(0, 2);
  const iop = parseInt(id.slice(2, 4), 16);
  // RFC 6184 table 5: constrained baseline is baseline with constraint_set1, main with set0, extended with set0+1
  if (idc === '42') return (iop & 0x40) !== 0 ? 'constrained-baseline' : 'baseline';
  if (idc === '4d') return (iop & 0x80) !== 0 ? 'constrained-baseline' : 'main';
  if (idc === '58') return (iop & 0xc0) === 0xc0 ? 'constrained-baseline' : 'extended';
  return idc === '64' && (iop & 0x0c) === 0x0c ? 'constrained-high' : `profile-${idc}`;
}

export function sameCodec(a: CodecLike, b: CodecLike): boolean {
  const mime = a.mimeType.toLowerCase();
  if (mime !== b.mimeType.toLowerCase() || a.clockRate !== b.clockRate) return false;
  if (mime.startsWith('audio/') && (a.channels ?? 1) !== (b.channels ?? 1)) return false;
  if (mime === 'video/h264') {
    const mode = (c: CodecLike) => Number(c.parameters?.['packetization-mode'] ?? 0);
    if (mode(a) !== mode(b)) return false;
    if (h264Profile(a.parameters) !== h264Profile(b.parameters)) return false;
  }
  if (mime === 'video/vp9') {
    const profile = (c: CodecLike) => Number(c.parameters?.['profile-id'] ?? 0);
    if (profile(a) !== profile(b)) return false;
  }
  return true;
}
