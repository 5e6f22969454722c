/**
 * A client's publish offer -> what the SFU can produce from it, per media section: the one codec it
 * will receive (the client's first offered codec the router supports) with its RTX, the header
 * extensions the router can read, the encodings (SSRCs with their RTX pair from `ssrc-group:FID`, or
 * simulcast rids), the RTCP cname; or why the section is rejected. Plus the client's DTLS parameters.
 */
import type { types } from 'mediasoup';
import { ClientInputError } from '../../../errors.ts';
import { isRtx, type SectionCodec, sectionCodecs } from './codecs.ts';
import { dtlsParametersOf } from './dtls.ts';
import { sameCodec } from './matchCodec.ts';
import { type MediaSection, parseSdp, type SessionSdp } from './parseSdp.ts';

export type PublishSection =
  | {
      mid: string;
      kind: types.MediaKind;
      /** Sending (sendonly/sendrecv): a producer. Not sending: answered inactive, nothing produced. */
      action: 'produce';
      rtpParameters: types.RtpParameters;
      /** The msid track id, when the client gave one. */
      trackId: string | undefined;
    }
  | { mid: string; kind: types.MediaKind; action: 'inactive'; rtpParameters: types.RtpParameters }
  | { mid: string; kind: string; action: 'reject'; reason: string };

export interface PublishOffer {
  session: SessionSdp;
  sections: PublishSection[];
  dtlsParameters: types.DtlsParameters;
}

export function readPublishOffer(sdp: string | undefined, routerCapabilities: types.RtpCapabilities): PublishOffer {
  const session = parseSdp(sdp, 'offer');
  // one cname per client: sections without SSRC lines (simulcast by rid) take the others' (as mediasoup's transport does)
  const cname = session.media.flatMap((m) => m.ssrcs ?? []).find((s) => s.attribute === 'cname')?.value;
  const sections = session.media.map((section, index) => readSection(section, index, routerCapabilities, cname));
  if (!sections.some((s) => s.action !== 'reject')) {
    const reasons = sections.map((s) => (s.action === 'reject' ? `mid ${s.mid}: ${s.reason}` : '')).join('; ');
    throw new ClientInputError(`offer has no audio or video the SFU can receive (${reasons})`);
  }
  const first = session.media.find((m) => m.port !== 0) ?? session.media[0]!;
  return { session, sections, dtlsParameters: dtlsParametersOf(session, first, 'offer') };
}

function readSection(section: MediaSection, index: number, caps: types.RtpCapabilities, sessionCname: string | undefined): PublishSection {
  const mid = section.mid !== undefined ? String(section.mid) : String(index);
  const kind = section.type;
  if (kind !== 'audio' && kind !== 'video') return { mid, kind, action: 'reject', reason: `${kind} is not audio or video` };
  if (section.port === 0) return { mid, kind, action: 'reject', reason: 'the client rejected it (port 0)' };
  if (!/RTP\/S?AVPF?/.test(section.protocol)) return { mid, kind, action: 'reject', reason: `protocol ${section.protocol}` };
  if (section.rtcpMux === undefined) return { mid, kind, action: 'reject', reason: 'no rtcp-mux' };

  const codecs = sectionCodecs(section);
  const chosen = codecs.find((c) => !isRtx(c.mimeType) && routerCodec(c, kind, caps) !== undefined);
  if (!chosen) {
    const offered = [...new Set(codecs.filter((c) => !isRtx(c.mimeType)).map((c) => c.mimeType))].join(', ');
    return { mid, kind, action: 'reject', reason: `no codec the SFU supports (offered: ${offered || 'none'})` };
  }
  const capability = routerCodec(chosen, kind, caps)!;
  const accepted: types.RtpCodecParameters[] = [withRouterFeedback(chosen, capability)];
  const rtx = chosen.rtxPayloadType !== undefined ? codecs.find((c) => c.payloadType === chosen.rtxPayloadType) : undefined;
  const rtxSupported = rtx && caps.codecs?.some((c) => c.kind === kind && isRtx(c.mimeType) && c.clockRate === rtx.clockRate);
  if (rtx && rtxSupported) accepted.push({ mimeType: rtx.mimeType, payloadType: rtx.payloadType, clockRate: rtx.clockRate, parameters: { apt: chosen.payloadType }, rtcpFeedback: [] });

  const headerExtensions: types.RtpHeaderExtensionParameters[] = (section.ext ?? [])
    .filter((ext) =>
      caps.headerExtensions?.some(
        (h) => h.kind === kind && h.uri === ext.uri && (h.direction === undefined || h.direction === 'sendrecv' || h.direction === 'recvonly'),
      ),
    )
    .filter((ext) => ext.uri !== DEPENDENCY_DESCRIPTOR_URI || readsDependencyDescriptor(chosen.mimeType))
    .map((ext) => ({ uri: ext.uri as types.RtpHeaderExtensionUri, id: ext.value }));

  const cname = section.ssrcs?.find((s) => s.attribute === 'cname')?.value ?? sessionCname;
  const rtpParameters: types.RtpParameters = {
    mid,
    codecs: accepted,
    headerExtensions,
    encodings: [],
    rtcp: { ...(cname !== undefined && { cname }), reducedSize: section.rtcpRsize !== undefined },
  };
  const direction = section.direction ?? 'sendrecv';
  if (direction !== 'sendonly' && direction !== 'sendrecv') return { mid, kind, action: 'inactive', rtpParameters };

  const encodings = readEncodings(section, rtpParameters.codecs.length > 1);
  if (encodings.length === 0) return { mid, kind, action: 'reject', reason: 'sends neither SSRCs nor simulcast rids' };
  rtpParameters.encodings = withTemporalLayers(encodings, chosen.mimeType);
  return { mid, kind, action: 'produce', rtpParameters, trackId: trackIdOf(section) };
}

/**
 * Chromium sends each simulcast layer of VP8 and H.264 with three temporal layers (libwebrtc's
 * default), and SDP does not say so. mediasoup takes an encoding without a scalability mode for one
 * temporal layer and then forwards only the base one: a quarter of the frames. So, as
 * mediasoup-client does, a simulcast encoding of those codecs is L1T3.
 */
function withTemporalLayers(encodings: types.RtpEncodingParameters[], mimeType: string): types.RtpEncodingParameters[] {
  if (encodings.length < 2 || !/\/(VP8|H264)$/i.test(mimeType)) return encodings;
  return encodings.map((encoding) => ({ ...encoding, scalabilityMode: encoding.scalabilityMode ?? 'L1T3' }));
}

const DEPENDENCY_DESCRIPTOR_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

/**
 * mediasoup reads the dependency descriptor for AV1 and H.264 only; for VP8 and VP9 it reads the
 * codec's own payload descriptor. With the extension negotiated, Chromium's simulcast VP8 carries
 * its layer information there instead, and mediasoup then never sees a keyframe: no video at all.
 */
function readsDependencyDescriptor(mimeType: string): boolean {
  return /\/(AV1|H264)$/i.test(mimeType);
}

/** The router codec capability matching an offered codec, if any. */
export function routerCodec(codec: SectionCodec | types.RtpCodecParameters, kind: types.MediaKind, caps: types.RtpCapabilities): types.RtpCodecCapability | undefined {
  return caps.codecs?.find((c) => c.kind === kind && !isRtx(c.mimeType) && sameCodec(codec, c));
}

/** The client's feedback for the codec, kept only where the router does it too. */
function withRouterFeedback(codec: SectionCodec, capability: types.RtpCodecCapability): types.RtpCodecParameters {
  const rtcpFeedback = (codec.rtcpFeedback ?? []).filter((fb) =>
    capability.rtcpFeedback?.some((r) => r.type === fb.type && (r.parameter ?? '') === (fb.parameter ?? '')),
  );
  const { rtxPayloadType: _rtx, ...parameters } = codec;
  return { ...parameters, rtcpFeedback };
}

function readEncodings(section: MediaSection, withRtx: boolean): types.RtpEncodingParameters[] {
  const sendRids = (section.rids ?? []).filter((r) => r.direction === 'send').map((r) => String(r.id));
  if (sendRids.length > 0) {
    // a=simulcast:send q;h;f lists the order (alternatives "a,b" use the first); without it, the a=rid order
    const listed = section.simulcast?.dir1 === 'send' ? section.simulcast.list1 : section.simulcast?.dir2 === 'send' ? section.simulcast.list2 : undefined;
    const order = listed
      ? listed
          .split(';')
          .map((alt) => alt.split(',')[0]!.replace(/^~/, ''))
          .filter((rid) => sendRids.includes(rid))
      : sendRids;
    return order.map((rid) => ({ rid }));
  }
  const ssrcs = [...new Set((section.ssrcs ?? []).map((s) => Number(s.id)))];
  if (ssrcs.length === 0) return [];
  const fid = new Map<number, number>();
  let simulcast: number[] | undefined;
  for (const group of section.ssrcGroups ?? []) {
    const ids = group.ssrcs.split(' ').map(Number);
    if (group.semantics === 'FID' && ids.length === 2) fid.set(ids[0]!, ids[1]!);
    if (group.semantics === 'SIM') simulcast = ids;
  }
  const rtxSsrcs = new Set(fid.values());
  const primaries = simulcast ?? ssrcs.filter((ssrc) => !rtxSsrcs.has(ssrc)).slice(0, 1);
  return primaries.map((ssrc) => {
    const rtx = fid.get(ssrc);
    return { ssrc, ...(withRtx && rtx !== undefined && { rtx: { ssrc: rtx } }) };
  });
}

function trackIdOf(section: MediaSection): string | undefined {
  const msid = section.msid?.[0]?.appdata ?? section.ssrcs?.find((s) => s.attribute === 'msid')?.value?.split(' ')[1];
  return msid || undefined;
}
