/**
 * A client's RTP capabilities, read from its own publish offer and expressed in the router's terms
 * (as mediasoup-client's "extended" capabilities are): each router codec the client offers, with the
 * router's payload type and the feedback both sides do; RTX where the client offered it for that
 * codec; the header extensions both know, with the router's ids. Consumers for the client are built
 * from these, so their payload types and extension ids are the router's: the SFU is the offerer of
 * the consumer connection, so it may choose them.
 */
import type { types } from 'mediasoup';
import { isRtx, sectionCodecs } from './codecs.ts';
import { sameCodec } from './matchCodec.ts';
import type { SessionSdp } from './parseSdp.ts';

export function rtpCapabilitiesFromSdp(session: SessionSdp, router: types.RtpCapabilities): types.RtpCapabilities {
  const codecs: types.RtpCodecCapability[] = [];
  const headerExtensions: types.RtpHeaderExtension[] = [];
  for (const section of session.media) {
    const kind = section.type;
    if ((kind !== 'audio' && kind !== 'video') || section.port === 0) continue;
    const offered = sectionCodecs(section);
    for (const capability of router.codecs ?? []) {
      if (capability.kind !== kind || isRtx(capability.mimeType)) continue;
      if (codecs.some((c) => c.preferredPayloadType === capability.preferredPayloadType)) continue;
      const client = offered.find((c) => !isRtx(c.mimeType) && sameCodec(c, capability));
      if (!client) continue;
      const rtcpFeedback = (capability.rtcpFeedback ?? []).filter((fb) =>
        client.rtcpFeedback?.some((c) => c.type === fb.type && (c.parameter ?? '') === (fb.parameter ?? '')),
      );
      codecs.push({ ...structuredClone(capability), rtcpFeedback });
      const routerRtx = router.codecs?.find((c) => c.kind === kind && isRtx(c.mimeType) && c.parameters?.apt === capability.preferredPayloadType);
      if (routerRtx && client.rtxPayloadType !== undefined) codecs.push(structuredClone(routerRtx));
    }
    for (const ext of section.ext ?? []) {
      const known = router.headerExtensions?.find((h) => h.kind === kind && h.uri === ext.uri);
      if (!known || headerExtensions.some((h) => h.kind === kind && h.uri === ext.uri)) continue;
      headerExtensions.push(structuredClone(known));
    }
  }
  return { codecs, headerExtensions };
}
