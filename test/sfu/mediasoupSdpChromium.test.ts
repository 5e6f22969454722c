/**
 * The SDP bridge against the browser it serves: headless Chromium applies the bridge's answers to its
 * live publish offers (audio + video, camera off, a screen-share re-offer, simulcast) and then sends
 * with the one codec the SFU accepted; it applies consumer offers built from those publish offers
 * (mediasoup's ortc computing the consumer parameters) and answers every section, and the bridge reads
 * that answer. No media flows: that needs a mediasoup worker.
 */
import * as sdpTransform from 'sdp-transform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConsumerAnswer } from '../../sfu-task/src/engines/mediasoup/sdp/consumerAnswer.ts';
import { launchChromium } from '../helpers/browser.ts';
import { consumerOfferFor, PUBLISH_FIXTURES, publishAnswerFor } from '../fixtures/sdp/bridgeFixtures.ts';
import { acceptAnswer, consumerAnswer, openSdpPage, publishState, scenarioOffer } from '../fixtures/sdp/chromiumSdp.ts';

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
});
