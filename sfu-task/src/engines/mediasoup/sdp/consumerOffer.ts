/**
 * The SFU's offer to a receiving client, built from its consumers' RTP parameters: one `sendonly`
 * section per consumer with its codec (and RTX), header extensions, SSRC and RTX SSRC
 * (`ssrc-group:FID`), the publisher's cname, and an msid that groups a participant's tracks in one
 * stream. Sections stay in place across renegotiations: one whose track the SFU took off (its
 * publisher left) stays in the bundle as `inactive` with no SSRC; one the client rejected gets port 0.
 */
import type { types } from 'mediasoup';
import { codecAttributes } from './codecLines.ts';
import { type MediaSection, writeSdp } from './parseSdp.ts';
import type { AnswerIdentity } from './publishAnswer.ts';
import { rejectedSection, sessionHeader, type TransportDescription, transportAttributes } from './transportSdp.ts';

export interface ConsumerSection {
  mid: string;
  kind: types.MediaKind;
  /** The consumer's RTP parameters (mediasoup's consumer.rtpParameters). */
  rtpParameters: types.RtpParameters;
  /** msid: the publishing participant's stream and this track. */
  streamId: string;
  trackId: string;
  /** The client rejected it: the section stays, with port 0. */
  closed?: boolean;
  /** The SFU took its track off: the section stays, inactive (werift clients fail later offers that keep a port-0 section). */
  stopped?: boolean;
}

const PROTOCOL = 'UDP/TLS/RTP/SAVPF';

/** msid ids are tokens (RFC 8830): anything else becomes "-". */
export function msidToken(id: string): string {
  return id.replace(/[^A-Za-z0-9!#$%&'*+\-.^_`{|}~]/g, '-').slice(0, 64) || '-';
}

export function writeConsumerOffer(sections: ConsumerSection[], transport: TransportDescription, identity: AnswerIdentity): string {
  const live = sections.filter((s) => !s.closed).map((s) => s.mid);
  const session = sessionHeader(identity.sessionId, identity.version, live, true);
  for (const section of sections) {
    const { rtpParameters } = section;
    if (section.closed) {
      // the codec's rtpmap stays: some answerers (werift) refuse a section whose format has none
      const codec = rtpParameters.codecs.slice(0, 1);
      const { rtp, fmtp } = codecAttributes(codec);
      session.media.push({ ...rejectedSection({ type: section.kind, protocol: PROTOCOL, payloads: String(codec[0]?.payloadType ?? 0) }, section.mid), rtp, fmtp } as MediaSection);
      continue;
    }
    if (section.stopped) {
      session.media.push({
        type: section.kind,
        protocol: PROTOCOL,
        ...transportAttributes(transport, 'actpass'),
        mid: section.mid,
        direction: 'inactive',
        ...codecAttributes(rtpParameters.codecs.slice(0, 1)),
      } as MediaSection);
      continue;
    }
    const streamId = msidToken(section.streamId);
    const trackId = msidToken(section.trackId);
    const encoding = rtpParameters.encodings?.[0];
    const cname = rtpParameters.rtcp?.cname ?? streamId;
    const ssrcs: NonNullable<MediaSection['ssrcs']> = [];
    const ssrcGroups: NonNullable<MediaSection['ssrcGroups']> = [];
    for (const ssrc of [encoding?.ssrc, encoding?.rtx?.ssrc]) {
      if (ssrc === undefined) continue;
      ssrcs.push({ id: ssrc, attribute: 'cname', value: cname }, { id: ssrc, attribute: 'msid', value: `${streamId} ${trackId}` });
    }
    if (encoding?.ssrc !== undefined && encoding.rtx?.ssrc !== undefined) ssrcGroups.push({ semantics: 'FID', ssrcs: `${encoding.ssrc} ${encoding.rtx.ssrc}` });
    session.media.push({
      type: section.kind,
      protocol: PROTOCOL,
      ...transportAttributes(transport, 'actpass'),
      mid: section.mid,
      direction: 'sendonly',
      ...codecAttributes(rtpParameters.codecs, rtpParameters.headerExtensions),
      ...(rtpParameters.rtcp?.reducedSize !== false && { rtcpRsize: 'rtcp-rsize' }),
      msid: [{ id: streamId, appdata: trackId }],
      ssrcs,
      ...(ssrcGroups.length > 0 && { ssrcGroups }),
    } as MediaSection);
  }
  return writeSdp(session);
}
