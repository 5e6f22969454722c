/**
 * The SFU side of a WebRtcTransport as SDP: ICE-lite credentials, the DTLS fingerprint, the
 * candidates (all of them in the description: an ICE-lite server knows them up front, nothing trickles).
 */
import type { types } from 'mediasoup';
import type { MediaSection, SessionSdp } from './parseSdp.ts';

export interface TransportDescription {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export function sessionHeader(sessionId: string, version: number, mids: string[], extmapAllowMixed: boolean): SessionSdp {
  return {
    version: 0,
    origin: { username: 'sfu', sessionId, sessionVersion: version, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    ...(mids.length > 0 && { groups: [{ type: 'BUNDLE', mids: mids.join(' ') }] }),
    msidSemantic: { semantic: 'WMS', token: '*' },
    ...(extmapAllowMixed && { extmapAllowMixed: 'extmap-allow-mixed' }),
    media: [],
  } as SessionSdp;
}

/** ICE, DTLS and candidate attributes of a live media section; `setup` is the SFU's role. */
export function transportAttributes(transport: TransportDescription, setup: 'passive' | 'actpass'): Partial<MediaSection> {
  const fingerprint =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? transport.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new Error('the transport has no DTLS fingerprint');
  const udp = transport.iceCandidates.find((c) => c.protocol === 'udp') ?? transport.iceCandidates[0];
  const udpAddress = udp ? addressOf(udp) : '0.0.0.0';
  return {
    port: udp?.port ?? 9,
    connection: { version: udpAddress.includes(':') ? 6 : 4, ip: udpAddress },
    iceUfrag: transport.iceParameters.usernameFragment,
    icePwd: transport.iceParameters.password,
    fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
    setup,
    candidates: transport.iceCandidates.map((c) => ({
      foundation: c.foundation,
      component: 1,
      transport: c.protocol,
      priority: c.priority,
      ip: addressOf(c),
      port: c.port,
      type: c.type,
      ...(c.tcpType && { tcptype: c.tcpType }),
    })),
    endOfCandidates: 'end-of-candidates',
    rtcpMux: 'rtcp-mux',
  };
}

/** mediasoup 3 reports both `address` and the deprecated `ip`. */
function addressOf(candidate: types.IceCandidate): string {
  return candidate.address || candidate.ip;
}

/** A media section the SFU does not take: port 0, nothing but its mid (JSEP 5.3.1). */
export function rejectedSection(section: Pick<MediaSection, 'type' | 'protocol' | 'payloads'>, mid: string): MediaSection {
  const firstFormat = String(section.payloads ?? '').split(' ')[0] || '0';
  return {
    type: section.type,
    port: 0,
    protocol: section.protocol,
    payloads: firstFormat,
    connection: { version: 4, ip: '0.0.0.0' },
    mid,
    direction: 'inactive',
    rtp: [],
    fmtp: [],
  } as MediaSection;
}
