/**
 * The packet a consumer's sender gets. werift's RTCRtpSender rewrites the packet it is given in place
 * (SSRC, payload type, sequence number, timestamp) and keeps it for NACK answers, and it would keep
 * the publisher's header extensions by numeric id although the consumer connection numbers them
 * differently: so every consumer gets its own header, without extensions. The payload buffer is
 * shared (nothing writes to it) and forwarded untouched: no decoding.
 */
import { RtpHeader, RtpPacket } from 'werift';

const ONE_BYTE_PROFILE = 0xbede;

export function forwardCopy(rtp: RtpPacket): RtpPacket {
  const header = new RtpHeader({
    ...rtp.header,
    extension: false,
    extensions: [],
    extensionProfile: ONE_BYTE_PROFILE,
  });
  return new RtpPacket(header, rtp.payload);
}
