/**
 * ICE restarts through each engine with Chromium at both ends (no room logic: the engine's
 * connections directly, as in mediasoupSdpChromium.test.ts): the publishing connection restarts
 * (Chromium offers new credentials, the SFU answers with new ones of its own) and frames keep
 * decoding at the receiver; on mediasoup the receiving connection restarts too (the SFU offers new
 * credentials). werift 0.24.4 does not recover from an ICE restart it offers itself, so on the werift
 * engine a receiving connection that lost its path is replaced by the client rejoining (README).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerConnection, MediaEngine, ProducerConnection } from '../../sfu-task/src/engines/MediaEngine.ts';
import { acceptAnswer, openSdpPage, publishOffer, received, receiveOffer } from '../fixtures/sdp/chromiumSdp.ts';
import { launchChromium } from '../helpers/browser.ts';
import { availableEngines } from './availableEngines.ts';
import { startEngine } from './roomHarness.ts';

const { engines, coverage } = availableEngines();
console.warn(`iceRestart: ${coverage}`);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const ufragOf = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];

/** Frames decoded at the receiver grow by more than `frames` (keyframes asked for meanwhile, as the room does). */
async function decodesMore(receiver: Page, producer: ProducerConnection, frames: number): Promise<void> {
  const start = (await received(receiver)).framesDecoded;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await received(receiver);
    if (now.framesDecoded > start + frames) return;
    if (Date.now() > deadline) throw new Error(`frames decoded went from ${start} to ${now.framesDecoded} only (${now.connection})`);
    for (const track of producer.tracks) if (track.kind === 'video') producer.requestKeyframe(track);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The engine's candidates to the page (werift trickles them; mediasoup has them in its descriptions). */
function trickle(connection: ProducerConnection | ConsumerConnection, page: Page, pc: '__pc' | '__rx'): void {
  connection.on('candidate', (candidate) => {
    void page.evaluate(({ name, c }) => (window as unknown as Record<string, RTCPeerConnection>)[name]?.addIceCandidate(c).catch(() => undefined), { name: pc, c: candidate }).catch(() => undefined);
  });
}

describe.each(engines)('ICE restart on $name, Chromium at both ends', ({ name, sfuEnv }) => {
  let engine: MediaEngine;
  beforeAll(async () => {
    engine = await startEngine(name, sfuEnv.MEDIASOUP_WORKER_BIN);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it(`media goes on after the publishing connection restarts ICE${name === 'mediasoup' ? ', and after the receiving one does' : ''}`, async () => {
    const [sender, receiver] = [await openSdpPage(browser), await openSdpPage(browser)];
    const producer = engine.createProducerConnection('pub');
    const consumer = engine.createConsumerConnection('sub');
    trickle(producer, sender, '__pc');
    trickle(consumer, receiver, '__rx');
    try {
      const first = await producer.handleOffer({ type: 'offer', sdp: await publishOffer(sender, 'audio-video') });
      await acceptAnswer(sender, first.sdp);
      const offer = await consumer.createOffer(producer.tracks);
      await consumer.handleAnswer({ type: 'answer', sdp: await receiveOffer(receiver, offer.sdp) });
      await decodesMore(receiver, producer, 10);

      // Chromium restarts ICE on its publishing connection
      const restart = await sender.evaluate(async () => {
        const pc = (window as unknown as { __pc: RTCPeerConnection }).__pc;
        pc.restartIce();
        const o = await pc.createOffer();
        await pc.setLocalDescription(o);
        return o.sdp!;
      });
      const answer = await producer.handleOffer({ type: 'offer', sdp: restart });
      expect(ufragOf(answer.sdp)).not.toBe(ufragOf(first.sdp));
      await acceptAnswer(sender, answer.sdp);
      await decodesMore(receiver, producer, 30);

      if (name === 'mediasoup') {
        // the SFU restarts ICE on the receiving connection (a client asked for it: iceRestart)
        await consumer.restartIce();
        const again = await consumer.createOffer(producer.tracks);
        expect(ufragOf(again.sdp)).not.toBe(ufragOf(offer.sdp));
        await consumer.handleAnswer({ type: 'answer', sdp: await receiveOffer(receiver, again.sdp) });
        await decodesMore(receiver, producer, 30);
      }
      expect((await received(receiver)).connection).toBe('connected');
    } finally {
      producer.close();
      consumer.close();
      await Promise.all([sender.context().close(), receiver.context().close()]);
    }
  });
});
