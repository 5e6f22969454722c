/**
 * The codecs of one media section as mediasoup codec parameters: rtpmap + fmtp + rtcp-fb per payload
 * type, RTX payload types told apart by their `apt`.
 */
import * as sdpTransform from 'sdp-transform';
import type { types } from 'mediasoup';
import type { MediaSection } from './parseSdp.ts';

export interface SectionCodec extends types.RtpCodecParameters {
  /** RTX payload type whose apt is this codec, if the section has one. */
  rtxPayloadType?: number;
}

export function isRtx(mimeType: string): boolean {
  return /\/rtx$/i.test(mimeType);
}

export function fmtpParameters(section: MediaSection, payloadType: number): Record<string, unknown> {
  const config = section.fmtp.find((f) => f.payload === payloadType)?.config;
  if (!config) return {};
  const parameters = sdpTransform.parseParams(config) as Record<string, unknown>;
  // sdp-transform turns digit-only values into numbers; an H.264 profile-level-id is a hex string
  if (parameters['profile-level-id'] !== undefined) parameters['profile-level-id'] = String(parameters['profile-level-id']);
  return parameters;
}

export function formatFmtp(parameters: Record<string, unknown> | undefined): string | undefined {
  const entries = Object.entries(parameters ?? {}).filter(([, v]) => v !== undefined);
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(';') : undefined;
}

function rtcpFeedback(section: MediaSection, payloadType: number): types.RtcpFeedback[] {
  return (section.rtcpFb ?? [])
    .filter((fb) => fb.payload === '*' || Number(fb.payload) === payloadType)
    .map((fb) => ({ type: fb.type, ...(fb.subtype ? { parameter: fb.subtype } : { parameter: '' }) }));
}

/** Every codec of the section in offer order (the m= line's), RTX entries included. */
export function sectionCodecs(section: MediaSection): SectionCodec[] {
  const order = String(section.payloads ?? '')
    .split(' ')
    .map(Number)
    .filter(Number.isInteger);
  const codecs: SectionCodec[] = [];
  for (const payloadType of order) {
    const rtp = section.rtp.find((r) => r.payload === payloadType);
    if (!rtp) continue;
    const mimeType = `${section.type}/${rtp.codec}`;
    codecs.push({
      mimeType,
      payloadType,
      clockRate: rtp.rate ?? (section.type === 'audio' ? 8000 : 90000),
      ...(section.type === 'audio' && { channels: rtp.encoding ?? 1 }),
      parameters: fmtpParameters(section, payloadType),
      rtcpFeedback: isRtx(mimeType) ? [] : rtcpFeedback(section, payloadType),
    });
  }
  for (const codec of codecs) {
    if (!isRtx(codec.mimeType)) continue;
    const apt = Number(codec.parameters?.apt);
    const primary = codecs.find((c) => c.payloadType === apt && !isRtx(c.mimeType));
    if (primary && primary.rtxPayloadType === undefined) primary.rtxPayloadType = codec.payloadType;
  }
  return codecs;
}
