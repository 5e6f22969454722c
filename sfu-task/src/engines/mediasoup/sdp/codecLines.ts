/** mediasoup codec parameters and header extensions -> a media section's rtpmap / fmtp / rtcp-fb / extmap lines. */
import type { types } from 'mediasoup';
import { formatFmtp } from './codecs.ts';
import type { MediaSection } from './parseSdp.ts';

export function codecAttributes(codecs: types.RtpCodecParameters[], headerExtensions: types.RtpHeaderExtensionParameters[] = []): Partial<MediaSection> {
  const rtp: MediaSection['rtp'] = [];
  const fmtp: MediaSection['fmtp'] = [];
  const rtcpFb: NonNullable<MediaSection['rtcpFb']> = [];
  for (const codec of codecs) {
    const [, name = codec.mimeType] = codec.mimeType.split('/');
    rtp.push({ payload: codec.payloadType, codec: name, rate: codec.clockRate, ...(codec.channels && codec.channels > 1 && { encoding: codec.channels }) });
    const config = formatFmtp(codec.parameters);
    if (config) fmtp.push({ payload: codec.payloadType, config });
    for (const fb of codec.rtcpFeedback ?? []) rtcpFb.push({ payload: codec.payloadType, type: fb.type, ...(fb.parameter && { subtype: fb.parameter }) });
  }
  return {
    payloads: codecs.map((c) => c.payloadType).join(' '),
    rtp,
    fmtp,
    rtcpFb,
    ext: headerExtensions.map((h) => ({ value: h.id, uri: h.uri })),
  };
}
