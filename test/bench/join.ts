/**
 * npm run bench:join — time from navigation to the first decoded remote video frame in headless
 * Chromium against the local stack with real werift SFU tasks: p50 and p95 over 10 runs with a warm
 * room, and the same on the cold path (no ready room: the join starts one).
 *
 * Warm: a first page is in the room; the second page's navigation is timed. Cold: no room is ready
 * (the warm pool is off); two pages navigate together to a new name and each is timed.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newContext, openRoomPage } from '../helpers/browser.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { ms, summary } from './stats.ts';

const RUNS = 10;

/** ms from navigation start to the first decoded inbound video frame, measured in the page. */
async function timeToFirstRemoteFrame(page: Page): Promise<number> {
  // a poller in the page notes when getStats first shows a decoded inbound video frame
  await page.evaluate(() => {
    const w = window as unknown as { __pcs?: RTCPeerConnection[]; __firstFrameAt?: number };
    const timer = setInterval(async () => {
      for (const pc of w.__pcs ?? []) {
        const stats = await pc.getStats();
        stats.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (w.__firstFrameAt === undefined && s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded ?? 0) > 0) {
            w.__firstFrameAt = performance.now();
            clearInterval(timer);
          }
        });
      }
    }, 10);
  });
  const handle = await page.waitForFunction(() => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt, undefined, {
    timeout: 120_000,
  });
  return (await handle.jsonValue()) as number;
}

async function waitForWarmRoom(stack: TestStack): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await stack.deps().roomRepository.listByStatus('AVAILABLE', 1)).length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no warm room became AVAILABLE in 60 s');
}

async function warmRuns(browser: Browser): Promise<number[]> {
  const stack = await startStack({ SFU_TASK_COMMAND: 'node --import tsx sfu-task/src/main.ts', WARM_ROOMS: '2', MAX_ROOMS: '30', RECONCILE_INTERVAL_SECONDS: '1' });
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      await waitForWarmRoom(stack);
      const room = `warm-${run}`;
      const first = await openRoomPage(await newContext(browser, stack.url), `${stack.url}/${room}`, 'First');
      await first.getByTestId('tile-camera-self').waitFor({ timeout: 60_000 });
      const second = await openRoomPage(await newContext(browser, stack.url), `${stack.url}/${room}`, 'Second');
      const t = await timeToFirstRemoteFrame(second);
      if (run > 0) samples.push(t); // the first run warms the browser and the handlers up
      await Promise.all([first.context().close(), second.context().close()]);
    }
  } finally {
    await stack.stop();
  }
  return samples;
}

async function coldRuns(browser: Browser): Promise<number[]> {
  const stack = await startStack({ SFU_TASK_COMMAND: 'node --import tsx sfu-task/src/main.ts', WARM_ROOMS: '0', MAX_ROOMS: '30', RECONCILE_INTERVAL_SECONDS: '1' });
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const room = `cold-${run}`;
      const pages = await Promise.all(
        ['A', 'B'].map(async (name) => openRoomPage(await newContext(browser, stack.url), `${stack.url}/${room}`, name)),
      );
      const times = await Promise.all(pages.map(timeToFirstRemoteFrame));
      samples.push(...times);
      await Promise.all(pages.map((p) => p.context().close()));
      // both pages may have started a room: close whatever is left ready, so the next run is cold again
      for (const r of await stack.deps().roomRepository.listByStatus('AVAILABLE', 10)) await stack.deps().rooms.closeRoom(r.roomId, 'bench');
      for (const r of await stack.deps().roomRepository.listByStatus('STARTING', 10)) await stack.deps().rooms.closeRoom(r.roomId, 'bench');
    }
  } finally {
    await stack.stop();
  }
  return samples;
}

const browser = await launchChromium();
try {
  const warm = summary(await warmRuns(browser));
  const cold = summary(await coldRuns(browser));
  console.log('\nbench:join — navigation to first decoded remote video frame (headless Chromium, fake devices, werift SFU)');
  console.log('path |  n |      p50 |      p95');
  for (const [name, s] of [['warm', warm], ['cold', cold]] as const) {
    console.log(`${name} | ${String(s.n).padStart(2)} | ${ms(s.p50).padStart(8)} | ${ms(s.p95).padStart(8)}`);
  }
} finally {
  await browser.close();
}
