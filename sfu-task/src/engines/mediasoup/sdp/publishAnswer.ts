/**
 * The SFU's answer to a publish offer: ICE-lite, the transport's credentials, fingerprint and
 * candidates, `setup:passive`, `recvonly` with the accepted codec (and its RTX) and header extensions
 * only; sections the SFU does not take are rejected with port 0, not dropped.
 */
import { codecAttributes } from './codecLines.ts';
import { type MediaSection, writeSdp } from './parseSdp.ts';
import type { PublishOffer } from './publishOffer.ts';
import { rejectedSection, sessionHeader, type TransportDescription, transportAttributes } from './transportSdp.ts';

export interface AnswerIdentity {
  sessionId: string;
  version: number;
}

export function writePublishAnswer(offer: PublishOffer, transport: TransportDescription, identity: AnswerIdentity): string {
  const live = offer.sections.filter((s) => s.action !== 'reject').map((s) => s.mid);
  const session = sessionHeader(identity.sessionId, identity.version, live, offer.session.extmapAllowMixed !== undefined);
  offer.sections.forEach((section, index) => {
    const offered = offer.session.media[index]!;
    if (section.action === 'reject') {
      session.media.push(rejectedSection(offered, section.mid));
      return;
    }
    const { rtpParameters } = section;
    session.media.push({
      type: section.kind,
      protocol: offered.protocol,
      ...transportAttributes(transport, 'passive'),
      mid: section.mid,
      direction: section.action === 'produce' ? 'recvonly' : 'inactive',
      ...codecAttributes(rtpParameters.codecs, rtpParameters.headerExtensions),
      ...(offered.rtcpRsize !== undefined && { rtcpRsize: 'rtcp-rsize' }),
      ...(section.action === 'produce' && answerSimulcast(offered)),
    } as MediaSection);
  });
  return writeSdp(session);
}

/** Simulcast rids are answered in the receive direction. */
function answerSimulcast(offered: MediaSection): Partial<MediaSection> {
  const rids = (offered.rids ?? []).filter((r) => r.direction === 'send');
  if (rids.length === 0 || !offered.simulcast) return {};
  const list = offered.simulcast.dir1 === 'send' ? offered.simulcast.list1 : offered.simulcast.list2;
  return {
    rids: rids.map((r) => ({ id: r.id, direction: 'recv' })),
    simulcast: { dir1: 'recv', list1: list ?? rids.map((r) => r.id).join(';') },
  } as Partial<MediaSection>;
}
