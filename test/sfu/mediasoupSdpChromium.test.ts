/**
 * The SDP bridge against the browser it serves: headless Chromium applies the bridge's answers to its
 * live publish offers (audio + video, camera off, a screen-share re-offer, simulcast) and then sends
 * with the one codec the SFU accepted; it applies consumer offers built from those publish offers
 * (mediasoup's ortc computing the consumer parameters) and answers every section, and the bridge reads
 * that answer. Where a mediasoup worker is found, the same scenarios run through the real engine too:
 * Chromium publishes to a producer connection, a second page receives through a consumer connection,
 * and its frames decode.
 */
import * as sdpTransform from 'sdp-transform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConsumerAnswer } from '../../sfu-task/src/engines/mediasoup/sdp/consumerAnswer.ts';
import { launchChromium } from '../helpers/browser.ts';
import { consumerOfferFor, PUBLISH_FIXTURES, publishAnswerFor } from '../fixtures/sdp/bridgeFixtures.ts';
import type { MediaEngine } from '../../sfu-task/src/engines/MediaEngine.ts';
import {
  acceptAnswer,
  consumerAnswer,
  openSdpPage,
  publishOffer,
  publishState,
  received,
  receiveOffer,
  scenarioOffer,
  screenShareReoffer,
} from '../fixtures/sdp/chromiumSdp.ts';
import { availableEngines } from './availableEngines.ts';
import { startEngine } from './roomHarness.ts';

const mediasoup = availableEngines().engines.find((e) => e.name === 'mediasoup');
console.warn(`mediasoupSdpChromium: ${mediasoup ? 'the bridge, and media through a real mediasoup worker' : 'the bridge only (no mediasoup worker found)'}`);

let browser: Browser;
const offers = new Map<string, string>();

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('Chromium and the mediasoup SDP bridge', () => {
  it.each(PUBLISH_FIXTURES)('%s: Chromium accepts the publish answer and sends with the accepted codec only', async (scenario) => {
    const page = await openSdpPage(browser);
    try {
      const offer = await scenarioOffer(page, scenario, publishAnswerFor);
      offers.set(scenario, offer);
      await acceptAnswer(page, publishAnswerFor(offer));
      const state = await publishState(page);
      expect(state).toHaveLength(scenario === 'screen-share' ? 3 : 2);
      for (const transceiver of state) {
        expect(transceiver.direction).toBe('sendonly');
        const media = transceiver.codecs.filter((c) => !/rtx$/i.test(c));
        expect(media).toHaveLength(1);
        expect(media[0]).toMatch(/^(audio\/opus|video\/VP8)$/i);
      }
    } finally {
      await page.context().close();
    }
  });

  it.each(PUBLISH_FIXTURES)('%s: Chromium accepts the consumer offer and answers every section, which the bridge reads', async (scenario) => {
    const publisher = offers.get(scenario);
    const receiver = offers.get('audio-video');
    if (!publisher || !receiver) throw new Error('the publish cases run first');
    const offer = consumerOfferFor(publisher, receiver);
    const page = await openSdpPage(browser);
    try {
      const answer = await consumerAnswer(page, offer);
      const mids = sdpTransform.parse(offer).media.map((m) => String(m.mid));
      const read = readConsumerAnswer(answer, mids);
      expect(read.acceptedMids).toEqual(mids);
      expect(read.dtlsParameters?.role).toBe('client');
      expect(sdpTransform.parse(answer).media.map((m) => m.direction)).toEqual(mids.map(() => 'recvonly'));
    } finally {
      await page.context().close();
    }
  });

  if (mediasoup) {
    describe('through a real mediasoup worker', () => {
      let engine: MediaEngine;
      beforeAll(async () => {
        engine = await startEngine('mediasoup', mediasoup.sfuEnv.MEDIASOUP_WORKER_BIN);
      });
      afterAll(async () => {
        await engine?.close();
      });

      it.each(PUBLISH_FIXTURES)('%s: Chromium publishes, a second Chromium page receives and decodes', async (scenario) => {
        const [sender, receiver] = [await openSdpPage(browser), await openSdpPage(browser)];
        const producer = engine.createProducerConnection(`pub-${scenario}`);
        const consumer = engine.createConsumerConnection(`sub-${scenario}`);
        try {
          const answer = async (offer: string) => (await producer.handleOffer({ type: 'offer', sdp: offer })).sdp;
          await acceptAnswer(sender, await answer(await publishOffer(sender, scenario === 'screen-share' ? 'audio-video' : scenario)));
          if (scenario === 'screen-share') await acceptAnswer(sender, await answer(await screenShareReoffer(sender)));
          const video = scenario === 'camera-off' ? 0 : scenario === 'screen-share' ? 2 : 1;
          expect(producer.tracks.filter((t) => t.kind === 'video')).toHaveLength(scenario === 'camera-off' ? 1 : video);
          const offer = await consumer.createOffer(producer.tracks);
          await consumer.handleAnswer({ type: 'answer', sdp: await receiveOffer(receiver, offer.sdp) });
          const deadline = Date.now() + 30_000;
          let stats = await received(receiver);
          while (!(stats.audioBytes > 0 && (video === 0 || stats.framesDecoded > 10)) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 200));
            stats = await received(receiver);
          }
          expect(stats.connection).toBe('connected');
          expect(stats.audioBytes).toBeGreaterThan(0);
          if (video > 0) expect(stats.framesDecoded).toBeGreaterThan(10);
        } finally {
          producer.close();
          consumer.close();
          await Promise.all([sender.context().close(), receiver.context().close()]);
        }
      });
    });
  }
});
