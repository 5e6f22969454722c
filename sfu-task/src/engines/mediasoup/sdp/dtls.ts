/** DTLS parameters of a client's description: its fingerprint(s) and its role from `a=setup`. */
import type { types } from 'mediasoup';
import { ClientInputError } from '../../../errors.ts';
import type { MediaSection, SessionSdp } from './parseSdp.ts';

const ALGORITHMS = new Set<types.FingerprintAlgorithm>(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);

/**
 * The client's DTLS role: an offer's `actpass` leaves the choice to the SFU, which answers `passive`
 * (the client becomes the DTLS client); in an answer, `active` = client and `passive` = server.
 */
export function dtlsParametersOf(session: SessionSdp, section: MediaSection, kind: 'offer' | 'answer'): types.DtlsParameters {
  const fingerprint = section.fingerprint ?? session.fingerprint;
  if (!fingerprint) throw new ClientInputError(`${kind} has no DTLS fingerprint`);
  const algorithm = fingerprint.type.toLowerCase() as types.FingerprintAlgorithm;
  if (!ALGORITHMS.has(algorithm)) throw new ClientInputError(`${kind} has an unsupported DTLS fingerprint algorithm "${fingerprint.type}"`);
  const setup = section.setup ?? session.setup ?? 'actpass';
  let role: types.DtlsRole;
  if (kind === 'offer') {
    if (setup === 'passive') throw new ClientInputError('offer has a=setup:passive; the SFU is always the DTLS server (offer actpass or active)');
    role = 'client';
  } else if (setup === 'active') role = 'client';
  else if (setup === 'passive') role = 'server';
  else throw new ClientInputError(`answer has a=setup:${setup}; an answer must be active or passive`);
  return { role, fingerprints: [{ algorithm, value: fingerprint.hash.toUpperCase() }] };
}
