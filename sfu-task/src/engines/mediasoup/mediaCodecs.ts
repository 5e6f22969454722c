/**
 * The router's codecs: Opus; VP8, VP9 (profile 0) and H.264 (packetization-mode 1: baseline,
 * constrained baseline and main), mediasoup adds RTX to each video codec. A publishing client sends
 * the first of these it offers (Chromium: VP8); every receiver must decode it.
 */
import type { types } from 'mediasoup';

const h264 = (profileLevelId: string): types.RouterRtpCodecCapability => ({
  kind: 'video',
  mimeType: 'video/H264',
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': profileLevelId, 'level-asymmetry-allowed': 1 },
});

export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 } },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
  h264('42001f'),
  h264('42e01f'),
  h264('4d001f'),
];
