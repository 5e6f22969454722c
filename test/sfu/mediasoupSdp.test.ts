/**
 * The mediasoup engine's SDP bridge on real Chromium SDP (test/fixtures/sdp/, captured by
 * test/fixtures/sdp/capture.ts, which also had Chromium accept the bridge's answers and consumer
 * offers): publish offer -> RTP parameters that mediasoup's own ortc validation and producer mapping
 * accept; the answer (ICE-lite, passive, recvonly, accepted codecs only, rejected sections with port
 * 0); the receiver's capabilities from its publish offer; consumer offers from ortc-computed consumer
 * parameters; Chromium's consumer answers -> DTLS parameters.
 */
import * as sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { ClientInputError } from '../../sfu-task/src/errors.ts';
import { readConsumerAnswer } from '../../sfu-task/src/engines/mediasoup/sdp/consumerAnswer.ts';
import { msidToken, writeConsumerOffer } from '../../sfu-task/src/engines/mediasoup/sdp/consumerOffer.ts';
import { h264Profile, sameCodec } from '../../sfu-task/src/engines/mediasoup/sdp/matchCodec.ts';
import { writePublishAnswer } from '../../sfu-task/src/engines/mediasoup/sdp/publishAnswer.ts';
import { type PublishSection, readPublishOffer } from '../../sfu-task/src/engines/mediasoup/sdp/publishOffer.ts';
import { rtpCapabilitiesFromSdp } from '../../sfu-task/src/engines/mediasoup/sdp/remoteCapabilities.ts';
import { consumerSectionsFor, FAKE_TRANSPORT, fixture, PUBLISH_FIXTURES } from '../fixtures/sdp/bridgeFixtures.ts';
import { ortc, routerCapabilities } from './mediasoupOrtc.ts';

const router = routerCapabilities();
const IDENTITY = { sessionId: '42', version: 3 };

function produced(sections: PublishSection[]) {
  return sections.flatMap((s) => (s.action === 'produce' ? [s] : []));
}

/** Raw SDP lines of the n-th media section. */
function sectionLines(sdp: string, index: number): string[] {
  return sdp.split(/\r?\n/m).join('\n').split(/^m=/m)[index + 1]!.split('\n');
}

describe('publish offer -> RTP parameters', () => {
  it.each(PUBLISH_FIXTURES)('%s: every section is produced with parameters mediasoup validates and maps', (name) => {
    const offer = readPublishOffer(fixture(`publish-${name}`), router);
    const expected = name === 'screen-share' ? 3 : 2;
    expect(offer.sections.map((s) => s.action)).toEqual(Array(expected).fill('produce'));
    for (const section of produced(offer.sections)) {
      const params = structuredClone(section.rtpParameters);
      expect(() => ortc.validateRtpParameters(params)).not.toThrow();
      expect(() => ortc.getProducerRtpParametersMapping(params, router)).not.toThrow();
      expect(section.rtpParameters.mid).toBe(section.mid);
    }
    expect(offer.dtlsParameters.role).toBe('client');
    expect(offer.dtlsParameters.fingerprints[0]).toMatchObject({ algorithm: 'sha-256' });
    expect(offer.dtlsParameters.fingerprints[0]!.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('audio: Opus only, with its payload type, fmtp, feedback, SSRC and cname from the offer', () => {
    const sdp = fixture('publish-audio-video');
    const [audio] = produced(readPublishOffer(sdp, router).sections);
    expect(audio!.kind).toBe('audio');
    const lines = sectionLines(sdp, 0);
    const opusPt = Number(/^a=rtpmap:(\d+) opus\/48000\/2/m.exec(lines.join('\n'))![1]);
    const ssrcLine = lines.find((l) => / cname:/.test(l))!;
    const [, ssrc, cname] = /^a=ssrc:(\d+) cname:(.+)$/.exec(ssrcLine.trim())!;
    expect(audio!.rtpParameters.codecs).toEqual([
      {
        mimeType: 'audio/opus',
        payloadType: opusPt,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
      },
    ]);
    expect(audio!.rtpParameters.encodings).toEqual([{ ssrc: Number(ssrc) }]);
    expect(audio!.rtpParameters.rtcp).toEqual({ cname, reducedSize: true });
  });

  it('video: the first supported codec (VP8) with its RTX, the RTX SSRC paired from ssrc-group:FID', () => {
    const sdp = fixture('publish-audio-video');
    const [, video] = produced(readPublishOffer(sdp, router).sections);
    const text = sectionLines(sdp, 1).join('\n');
    const vp8 = Number(/^a=rtpmap:(\d+) VP8\/90000/m.exec(text)![1]);
    const rtx = Number(new RegExp(`^a=fmtp:(\\d+) apt=${vp8}$`, 'm').exec(text)![1]);
    const [, primary, repair] = /^a=ssrc-group:FID (\d+) (\d+)$/m.exec(text)!;
    expect(video!.rtpParameters.codecs.map((c) => [c.mimeType, c.payloadType])).toEqual([
      ['video/VP8', vp8],
      ['video/rtx', rtx],
    ]);
    expect(video!.rtpParameters.codecs[1]!.parameters).toEqual({ apt: vp8 });
    expect(video!.rtpParameters.codecs[0]!.rtcpFeedback).toEqual(
      expect.arrayContaining([
        { type: 'nack', parameter: '' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'goog-remb', parameter: '' },
        { type: 'transport-cc', parameter: '' },
      ]),
    );
    expect(video!.rtpParameters.encodings).toEqual([{ ssrc: Number(primary), rtx: { ssrc: Number(repair) } }]);
    // only extensions the router reads, with the client's ids
    const offeredIds = new Map(sdpTransform.parse(sdp).media[1]!.ext!.map((e) => [e.uri, e.value]));
    for (const ext of video!.rtpParameters.headerExtensions!) {
      expect(offeredIds.get(ext.uri)).toBe(ext.id);
      expect(router.headerExtensions!.some((h) => h.kind === 'video' && h.uri === ext.uri)).toBe(true);
    }
    expect(video!.rtpParameters.headerExtensions!.map((e) => e.uri)).not.toContain('http://www.webrtc.org/experiments/rtp-hdrext/video-timing');
  });

  it('camera off: the trackless video transceiver still offers SSRCs and is produced (it just sends nothing)', () => {
    const [, video] = produced(readPublishOffer(fixture('publish-camera-off'), router).sections);
    expect(video!.rtpParameters.encodings![0]!.ssrc).toBeGreaterThan(0);
    expect(video!.rtpParameters.encodings![0]!.rtx?.ssrc).toBeGreaterThan(0);
  });

  it('screen share: the re-offer adds a third section with its own mid, track and SSRCs', () => {
    const sections = produced(readPublishOffer(fixture('publish-screen-share'), router).sections);
    expect(sections.map((s) => [s.mid, s.kind])).toEqual([
      ['0', 'audio'],
      ['1', 'video'],
      ['2', 'video'],
    ]);
    expect(sections[2]!.trackId).toBeTruthy();
    expect(sections[2]!.trackId).not.toBe(sections[1]!.trackId);
    expect(sections[2]!.rtpParameters.encodings![0]!.ssrc).not.toBe(sections[1]!.rtpParameters.encodings![0]!.ssrc);
  });

  it('simulcast: one encoding per rid in a=simulcast order, each with Chromium\'s three temporal layers, no SSRCs, RTX codec kept', () => {
    const [, video] = produced(readPublishOffer(fixture('publish-simulcast'), router).sections);
    // without L1T3 mediasoup would forward the base temporal layer only: a quarter of the frames
    expect(video!.rtpParameters.encodings).toEqual([
      { rid: 'q', scalabilityMode: 'L1T3' },
      { rid: 'h', scalabilityMode: 'L1T3' },
      { rid: 'f', scalabilityMode: 'L1T3' },
    ]);
    expect(video!.rtpParameters.codecs.map((c) => c.mimeType)).toEqual(['video/VP8', 'video/rtx']);
    expect(video!.rtpParameters.headerExtensions!.map((e) => e.uri)).toEqual(
      expect.arrayContaining(['urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id']),
    );
    // offered, and known to the router, but not for VP8: with it Chromium's simulcast never gave mediasoup a keyframe
    expect(fixture('publish-simulcast')).toContain('dependency-descriptor');
    expect(video!.rtpParameters.headerExtensions!.map((e) => e.uri).join()).not.toContain('dependency-descriptor');
  });

  it('rejects sections the router cannot take (no common codec, data channel, client-rejected) and keeps their place', () => {
    const session = sdpTransform.parse(fixture('publish-audio-video'));
    const video = session.media[1]!;
    // a video section offering only AV1 and H.264 packetization-mode 0
    const onlyUnsupported = structuredClone(video);
    const keep = onlyUnsupported.rtp.filter((r) => r.codec === 'AV1' || (r.codec === 'H264' && /packetization-mode=0/.test(onlyUnsupported.fmtp.find((f) => f.payload === r.payload)?.config ?? '')));
    const pts = new Set(keep.map((r) => r.payload));
    onlyUnsupported.rtp = keep;
    onlyUnsupported.fmtp = onlyUnsupported.fmtp.filter((f) => pts.has(f.payload));
    onlyUnsupported.rtcpFb = onlyUnsupported.rtcpFb?.filter((f) => pts.has(Number(f.payload)));
    onlyUnsupported.payloads = [...pts].join(' ');
    onlyUnsupported.mid = '2';
    const data = { type: 'application', port: 9, protocol: 'UDP/DTLS/SCTP', payloads: 'webrtc-datachannel', mid: '3', rtp: [], fmtp: [] };
    const stopped = { ...structuredClone(video), port: 0, mid: '4' };
    session.media.push(onlyUnsupported, data as unknown as typeof video, stopped);
    session.groups = [{ type: 'BUNDLE', mids: '0 1 2 3' }];
    const sdp = sdpTransform.write(session);

    const offer = readPublishOffer(sdp, router);
    expect(offer.sections.map((s) => [s.mid, s.action])).toEqual([
      ['0', 'produce'],
      ['1', 'produce'],
      ['2', 'reject'],
      ['3', 'reject'],
      ['4', 'reject'],
    ]);
    const rejected = offer.sections[2]!;
    expect(rejected.action === 'reject' && rejected.reason).toMatch(/no codec the SFU supports \(offered: video\/H264, video\/AV1\)/);

    const answer = sdpTransform.parse(writePublishAnswer(offer, FAKE_TRANSPORT, IDENTITY));
    expect(answer.media.map((m) => [String(m.mid), m.type, m.port])).toEqual([
      ['0', 'audio', 40000],
      ['1', 'video', 40000],
      ['2', 'video', 0],
      ['3', 'application', 0],
      ['4', 'video', 0],
    ]);
    expect(answer.groups).toEqual([{ type: 'BUNDLE', mids: '0 1' }]);
    expect(answer.media[3]!.protocol).toBe('UDP/DTLS/SCTP');
  });

  it('answers 400 for garbage, media-less offers, offers with nothing the SFU can take, and a passive offerer', () => {
    const expect400 = (sdp: string, message: RegExp) => {
      let error: unknown;
      try {
        readPublishOffer(sdp, router);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ClientInputError);
      expect((error as ClientInputError).status).toBe(400);
      expect((error as Error).message).toMatch(message);
    };
    expect400('hello', /not a session description/);
    expect400('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', /no media/);
    const onlyData = fixture('publish-audio-video').replace(/opus\/48000\/2/g, 'speex/48000/2').replace(/VP8\/90000/g, 'XYZ/90000').replace(/H264\/90000|VP9\/90000/g, 'XYZ/90000');
    expect400(onlyData, /no audio or video the SFU can receive/);
    expect400(fixture('publish-audio-video').replace(/a=setup:actpass/g, 'a=setup:passive'), /setup:passive/);
  });
});

describe('werift test participants (the e2e suites\' peers)', () => {
  it('a werift publish offer (Opus + VP8, no RTX, MID only) is produced, and a werift receiver gets no RTX', () => {
    const sdp = fixture('publish-werift');
    const sections = produced(readPublishOffer(sdp, router).sections);
    expect(sections.map((s) => [s.kind, s.rtpParameters.codecs.map((c) => c.mimeType.toLowerCase())])).toEqual([
      ['audio', ['audio/opus']],
      ['video', ['video/vp8']],
    ]);
    for (const section of sections) {
      expect(section.rtpParameters.encodings).toEqual([{ ssrc: expect.any(Number) }]);
      expect(() => ortc.getProducerRtpParametersMapping(structuredClone(section.rtpParameters), router)).not.toThrow();
    }
    const consumers = consumerSectionsFor(fixture('publish-audio-video'), sdp);
    expect(consumers.map((c) => c.rtpParameters.codecs.map((codec) => codec.mimeType))).toEqual([['audio/opus'], ['video/VP8']]);
    expect(consumers[1]!.rtpParameters.encodings![0]!.rtx).toBeUndefined();
  });
});

describe('publish answer', () => {
  it.each(PUBLISH_FIXTURES)('%s: ICE-lite, passive, recvonly, transport credentials and candidates, accepted codecs only', (name) => {
    const offerSdp = fixture(`publish-${name}`);
    const offer = readPublishOffer(offerSdp, router);
    const text = writePublishAnswer(offer, FAKE_TRANSPORT, IDENTITY);
    const answer = sdpTransform.parse(text);
    expect(sdpTransform.write(answer)).toBe(text); // round trip through sdp-transform
    expect(answer.icelite).toBe('ice-lite');
    expect(answer.origin).toMatchObject({ sessionId: 42, sessionVersion: 3 });
    expect(answer.media.map((m) => String(m.mid))).toEqual(sdpTransform.parse(offerSdp).media.map((m) => String(m.mid)));
    expect(answer.groups).toEqual([{ type: 'BUNDLE', mids: answer.media.map((m) => m.mid).join(' ') }]);
    for (const [index, m] of answer.media.entries()) {
      const section = offer.sections[index]!;
      if (section.action !== 'produce') throw new Error('all sections are produced in the fixtures');
      expect(m.direction).toBe('recvonly');
      expect(m.setup).toBe('passive');
      expect(m.iceUfrag).toBe(FAKE_TRANSPORT.iceParameters.usernameFragment);
      expect(m.icePwd).toBe(FAKE_TRANSPORT.iceParameters.password);
      expect(m.fingerprint).toEqual({ type: 'sha-256', hash: FAKE_TRANSPORT.dtlsParameters.fingerprints[0]!.value });
      expect(m.candidates!.map((c) => `${c.transport} ${c.ip}:${c.port}`)).toEqual(['udp 127.0.0.1:40000', 'tcp 127.0.0.1:40000']);
      expect(m.endOfCandidates).toBe('end-of-candidates');
      expect(m.rtcpMux).toBe('rtcp-mux');
      expect(String(m.payloads)).toBe(section.rtpParameters.codecs.map((c) => c.payloadType).join(' '));
      expect(m.rtp.map((r) => r.payload)).toEqual(section.rtpParameters.codecs.map((c) => c.payloadType));
      expect((m.ext ?? []).map((e) => [e.value, e.uri])).toEqual(section.rtpParameters.headerExtensions!.map((e) => [e.id, e.uri]));
    }
    if (name === 'simulcast') {
      expect(answer.media[1]!.rids).toEqual([
        { id: 'q', direction: 'recv' },
        { id: 'h', direction: 'recv' },
        { id: 'f', direction: 'recv' },
      ]);
      expect(answer.media[1]!.simulcast).toMatchObject({ dir1: 'recv', list1: 'q;h;f' });
    }
  });
});

describe('the receiving client\'s capabilities and consumer offers', () => {
  it('capabilities come from the client\'s publish offer, in the router\'s payload types and ids, and validate', () => {
    const session = sdpTransform.parse(fixture('publish-audio-video'));
    const caps = rtpCapabilitiesFromSdp(session, router);
    expect(() => ortc.validateRtpCapabilities(structuredClone(caps))).not.toThrow();
    const names = caps.codecs!.map((c) => `${c.mimeType}${c.parameters?.['profile-level-id'] ? ` ${String(c.parameters['profile-level-id'])}` : ''}`);
    expect(names).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/rtx', 'video/VP9', 'video/H264 42e01f', 'video/H264 4d001f']));
    for (const codec of caps.codecs!) {
      expect(router.codecs!.some((r) => r.preferredPayloadType === codec.preferredPayloadType && r.mimeType === codec.mimeType)).toBe(true);
    }
    for (const ext of caps.headerExtensions!) {
      expect(router.headerExtensions!.some((r) => r.kind === ext.kind && r.uri === ext.uri && r.preferredId === ext.preferredId)).toBe(true);
    }
  });

  it('a client offering only VP8 can only consume VP8', () => {
    const session = sdpTransform.parse(fixture('publish-audio-video'));
    const video = session.media[1]!;
    const vp8 = video.rtp.filter((r) => r.codec === 'VP8' || r.codec === 'rtx').map((r) => r.payload);
    video.payloads = vp8.join(' ');
    video.rtp = video.rtp.filter((r) => vp8.includes(r.payload));
    const caps = rtpCapabilitiesFromSdp(session, router);
    expect(caps.codecs!.filter((c) => c.kind === 'video').map((c) => c.mimeType)).toEqual(['video/VP8', 'video/rtx']);
  });

  it.each(PUBLISH_FIXTURES)('%s: consumer offer with the consumers\' codecs, SSRC + RTX (FID), cname and msid; sendonly, actpass', (name) => {
    const sections = consumerSectionsFor(fixture(`publish-${name}`), fixture('publish-audio-video'), 'alice');
    const published = produced(readPublishOffer(fixture(`publish-${name}`), router).sections);
    expect(sections).toHaveLength(published.length);
    const text = writeConsumerOffer(sections, FAKE_TRANSPORT, IDENTITY);
    const offer = sdpTransform.parse(text);
    expect(sdpTransform.write(offer)).toBe(text);
    expect(offer.icelite).toBe('ice-lite');
    expect(offer.groups).toEqual([{ type: 'BUNDLE', mids: sections.map((s) => s.mid).join(' ') }]);
    for (const [index, m] of offer.media.entries()) {
      const { rtpParameters, mid, kind } = sections[index]!;
      const encoding = rtpParameters.encodings![0]!;
      expect([String(m.mid), m.type, m.direction, m.setup]).toEqual([mid, kind, 'sendonly', 'actpass']);
      expect(m.rtp.map((r) => r.payload)).toEqual(rtpParameters.codecs.map((c) => c.payloadType));
      const cname = published[index]!.rtpParameters.rtcp!.cname ?? rtpParameters.rtcp!.cname;
      expect(m.ssrcs!.filter((s) => s.attribute === 'cname')).toEqual(
        [encoding.ssrc, encoding.rtx?.ssrc].filter((s) => s !== undefined).map((id) => ({ id, attribute: 'cname', value: cname })),
      );
      expect(m.msid).toEqual([{ id: 'alice', appdata: `alice-${published[index]!.mid}` }]);
      if (kind === 'video') {
        expect(encoding.rtx?.ssrc).toBeDefined();
        expect(m.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: `${encoding.ssrc} ${encoding.rtx!.ssrc}` }]);
      } else expect(m.ssrcGroups).toBeUndefined();
    }
    if (name === 'simulcast') expect(offer.media[1]!.ssrcs!.length).toBe(4); // one stream out of three layers, + RTX
  });

  it('a closed consumer keeps its section, rejected with port 0, out of the BUNDLE group', () => {
    const sections = consumerSectionsFor(fixture('publish-screen-share'), fixture('publish-audio-video'));
    sections[2]!.closed = true;
    const offer = sdpTransform.parse(writeConsumerOffer(sections, FAKE_TRANSPORT, IDENTITY));
    expect(offer.media.map((m) => m.port)).toEqual([40000, 40000, 0]);
    expect(String(offer.media[2]!.mid)).toBe('2');
    expect(offer.groups).toEqual([{ type: 'BUNDLE', mids: '0 1' }]);
  });

  it('msid ids are tokens', () => {
    expect(msidToken('alice:1')).toBe('alice-1');
    expect(msidToken('a b/c')).toBe('a-b-c');
  });
});

describe('consumer answer -> DTLS parameters', () => {
  it.each(PUBLISH_FIXTURES)('%s: Chromium\'s answer: role client (setup:active), its fingerprint, every section accepted', (name) => {
    const offer = sdpTransform.parse(fixture(`consumer-offer-${name}`));
    const mids = offer.media.map((m) => String(m.mid));
    const answerSdp = fixture(`consumer-answer-${name}`);
    const answer = readConsumerAnswer(answerSdp, mids);
    const fingerprint = sdpTransform.parse(answerSdp).media[0]!.fingerprint!;
    expect(answer.dtlsParameters).toEqual({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint.hash }] });
    expect(answer.acceptedMids).toEqual(mids);
    expect(answer.rejectedMids).toEqual([]);
  });

  it('setup:passive makes the client the DTLS server; rejected sections are reported', () => {
    const mids = ['0', '1'];
    const sdp = fixture('consumer-answer-audio-video').replace(/a=setup:active/g, 'a=setup:passive').replace(/^m=video 9 /m, 'm=video 0 ');
    const answer = readConsumerAnswer(sdp, mids);
    expect(answer.dtlsParameters?.role).toBe('server');
    expect(answer.acceptedMids).toEqual(['0']);
    expect(answer.rejectedMids).toEqual(['1']);
  });

  it('answers 400 for answers that do not answer the offer', () => {
    const sdp = fixture('consumer-answer-audio-video');
    expect(() => readConsumerAnswer(sdp, ['0', '1', '2'])).toThrow(/2 media sections, the offer had 3/);
    expect(() => readConsumerAnswer(sdp, ['0', '7'])).toThrow(/section 1 has mid 1, the offer had 7/);
    expect(() => readConsumerAnswer(sdp.replace(/a=setup:active/g, 'a=setup:actpass'), ['0', '1'])).toThrow(ClientInputError);
    expect(() => readConsumerAnswer('v=0', ['0'])).toThrow(ClientInputError);
  });
});

describe('codec matching', () => {
  it('tells H.264 profiles and packetization modes apart, and VP9 profiles', () => {
    expect(h264Profile({ 'profile-level-id': '42e01f' })).toBe('constrained-baseline');
    expect(h264Profile({ 'profile-level-id': '42001f' })).toBe('baseline');
    expect(h264Profile({ 'profile-level-id': '4d001f' })).toBe('main');
    expect(h264Profile({ 'profile-level-id': '640c1f' })).toBe('constrained-high');
    const h264 = (id: string, mode: number) => ({ mimeType: 'video/H264', clockRate: 90000, parameters: { 'profile-level-id': id, 'packetization-mode': mode } });
    expect(sameCodec(h264('42e01f', 1), h264('42e034', 1))).toBe(true); // the level does not matter
    expect(sameCodec(h264('42e01f', 1), h264('42001f', 1))).toBe(false);
    expect(sameCodec(h264('42e01f', 1), h264('42e01f', 0))).toBe(false);
    const vp9 = (profile: number) => ({ mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': profile } });
    expect(sameCodec(vp9(0), vp9(0))).toBe(true);
    expect(sameCodec(vp9(0), vp9(2))).toBe(false);
    expect(sameCodec({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }, { mimeType: 'audio/OPUS', clockRate: 48000, channels: 2 })).toBe(true);
  });

  it('the router takes an H.264-only publisher (packetization-mode 1) and answers that codec alone', () => {
    const session = sdpTransform.parse(fixture('publish-audio-video'));
    const video = session.media[1]!;
    const h264 = video.rtp.filter((r) => r.codec === 'H264').map((r) => r.payload);
    video.payloads = [...h264, ...video.rtp.filter((r) => r.codec === 'rtx').map((r) => r.payload)].join(' ');
    const offer = readPublishOffer(sdpTransform.write(session), router);
    const section = produced(offer.sections)[1]!;
    const chosen = section.rtpParameters.codecs[0]!;
    expect(chosen.mimeType).toBe('video/H264');
    expect(chosen.parameters?.['packetization-mode']).toBe(1);
    expect(section.rtpParameters.codecs[1]).toMatchObject({ mimeType: 'video/rtx', parameters: { apt: chosen.payloadType } });
    expect(() => ortc.getProducerRtpParametersMapping(structuredClone(section.rtpParameters), router)).not.toThrow();
  });
});
