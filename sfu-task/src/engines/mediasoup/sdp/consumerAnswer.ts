/**
 * A client's answer to a consumer offer -> its DTLS parameters (fingerprint, role from `a=setup`)
 * and the mids it accepted. An answer must answer every offered section, in order.
 */
import type { types } from 'mediasoup';
import { ClientInputError } from '../../../errors.ts';
import { dtlsParametersOf } from './dtls.ts';
import { parseSdp } from './parseSdp.ts';

export interface ConsumerAnswer {
  /** Undefined when the client rejected every section (nothing to connect). */
  dtlsParameters: types.DtlsParameters | undefined;
  /** Offered mids the client accepted (port != 0, not inactive). */
  acceptedMids: string[];
  /** Offered mids the client rejected or set inactive. */
  rejectedMids: string[];
}

export function readConsumerAnswer(sdp: string | undefined, offeredMids: readonly string[]): ConsumerAnswer {
  const session = parseSdp(sdp, 'answer');
  if (session.media.length !== offeredMids.length) {
    throw new ClientInputError(`answer has ${session.media.length} media sections, the offer had ${offeredMids.length}`);
  }
  const acceptedMids: string[] = [];
  const rejectedMids: string[] = [];
  session.media.forEach((section, index) => {
    const mid = offeredMids[index]!;
    if (section.mid === undefined || String(section.mid) !== mid) {
      throw new ClientInputError(`answer section ${index} has mid ${section.mid ?? '(none)'}, the offer had ${mid}`);
    }
    if (section.port === 0 || section.direction === 'inactive' || section.direction === 'sendonly') rejectedMids.push(mid);
    else acceptedMids.push(mid);
  });
  const live = session.media.find((m) => m.port !== 0);
  if (!live) return { dtlsParameters: undefined, acceptedMids, rejectedMids };
  return { dtlsParameters: dtlsParametersOf(session, live, 'answer'), acceptedMids, rejectedMids };
}
