/**
 * mediasoup's own RTP negotiation code (its `ortc` module), for tests that need no worker: router
 * capabilities from the engine's codec list, producer validation, and the consumer RTP parameters a
 * Transport.consume() would compute. `ortc` is not in mediasoup's package exports (only ".",
 * "./types" and "./extras" are): it is loaded from the installed package's files.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../sfu-task/src/engines/mediasoup/mediaCodecs.ts';

interface Ortc {
  validateRtpCapabilities(caps: types.RtpCapabilities): void;
  validateRtpParameters(params: types.RtpParameters): void;
  generateRouterRtpCapabilities(mediaCodecs: types.RouterRtpCodecCapability[]): types.RtpCapabilities;
  getProducerRtpParametersMapping(params: types.RtpParameters, caps: types.RtpCapabilities): unknown;
  getConsumableRtpParameters(kind: string, params: types.RtpParameters, caps: types.RtpCapabilities, mapping: unknown): types.RtpParameters;
  canConsume(consumable: types.RtpParameters, caps: types.RtpCapabilities): boolean;
  getConsumerRtpParameters(options: {
    consumableRtpParameters: types.RtpParameters;
    remoteRtpCapabilities: types.RtpCapabilities;
    pipe: boolean;
    enableRtx: boolean;
  }): types.RtpParameters;
}

const require = createRequire(import.meta.url);
export const ortc = require(join(dirname(require.resolve('mediasoup')), 'ortc.js')) as Ortc;

export function routerCapabilities(): types.RtpCapabilities {
  return ortc.generateRouterRtpCapabilities(structuredClone(MEDIA_CODECS));
}

/** What Transport.produce() + Transport.consume() compute: consumable parameters, then the consumer's. */
export function consumerParameters(
  kind: types.MediaKind,
  producerParameters: types.RtpParameters,
  routerCaps: types.RtpCapabilities,
  receiverCaps: types.RtpCapabilities,
  mid: string,
): types.RtpParameters | undefined {
  const params = structuredClone(producerParameters);
  ortc.validateRtpParameters(params);
  const mapping = ortc.getProducerRtpParametersMapping(params, routerCaps);
  const consumable = ortc.getConsumableRtpParameters(kind, params, routerCaps, mapping);
  const caps = structuredClone(receiverCaps);
  ortc.validateRtpCapabilities(caps);
  if (!ortc.canConsume(consumable, caps)) return undefined;
  const consumer = ortc.getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: caps, pipe: false, enableRtx: kind === 'video' });
  consumer.mid = mid;
  return consumer;
}
