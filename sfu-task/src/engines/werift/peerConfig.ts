/**
 * werift RTCPeerConnection settings of the SFU (see shared WEBRTC-NOTES.md):
 * - no STUN/TURN (`iceServers: []`): host candidates on the announced address only;
 * - the announced address is added as the one host address (werift's own interface list is off);
 *   on loopback the sockets bind to 127.0.0.1 and only 127.* pairs and STUN requests are accepted,
 *   elsewhere (Fargate) the sockets bind to every interface and the public IP is announced;
 * - VP8 + Opus only, NACK / PLI / FIR / REMB feedback, no transport-cc (werift 0.24.4's feedback
 *   keeps Chromium's estimate at ~300 kbit/s), header extensions: MID, and RID on video (a
 *   publisher's simulcast is cut to its top layer, WeriftProducerConnection.ts);
 * - one bundled transport per connection.
 */
import { isIPv4 } from 'node:net';
import {
  type RTCPeerConnectionConfig,
  useFIR,
  useNACK,
  useOPUS,
  usePLI,
  useREMB,
  useSdesMid,
  useSdesRTPStreamId,
  useVP8,
} from 'werift';

export interface WeriftNetworkOptions {
  /** The address put in host candidates (127.0.0.1 locally, the task's public IP in Fargate). */
  announcedIp: string;
  /** UDP port range [min, max] (min < max), or undefined for any free port. */
  portRange?: [number, number];
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

export function weriftPeerConfig({ announcedIp, portRange }: WeriftNetworkOptions): RTCPeerConnectionConfig {
  const loopback = isLoopback(announcedIp);
  const family = isIPv4(announcedIp) ? 'udp4' : 'udp6';
  return {
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: {
      audio: [useOPUS()],
      video: [useVP8({ rtcpFeedback: [useNACK(), usePLI(), useFIR(), useREMB()] })],
    },
    // RID: a publisher's one accepted simulcast layer is found by it (its offer has no SSRC for it)
    headerExtensions: { audio: [useSdesMid()], video: [useSdesMid(), useSdesRTPStreamId()] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [announcedIp],
    iceInterfaceAddresses: loopback ? { [family]: announcedIp } : undefined,
    icePortRange: portRange,
    ...(loopback && {
      iceFilterStunResponse: (_message, address) => isLoopback(address[0]),
      iceFilterCandidatePair: (pair) => isLoopback(pair.remoteCandidate.host),
    }),
  };
}
