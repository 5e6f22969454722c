/**
 * npm run bench:join — time from navigation to the first decoded remote video frame in headless
 * Chromium against the local stack with real SFU tasks, on each engine that can run here (mediasoup
 * where a worker is found, werift always). Each step of a join is read from the page's join timeline
 * (web/src/call/joinTimeline.ts: Performance API marks, ms since navigation), so the tables say where
 * the time goes.
 *
 * Each page joins as a person would: its pre-join screen's preview plays, then it clicks Join (the
 * room is found and signaling opened while the preview opens). Two figures: navigation to the frame,
 * and the Join click to the frame (what the system makes a person wait once they chose to join).
 * - Warm: a ready room, one page already in it and sending its camera; the second page's navigation is
 *   timed (10 runs after one warm-up run): p50 of every step, and p50 / p95 of the whole.
 * - Room size: the 2nd and the 8th joiner of one room (Chromium pages; participants 3 to 7 are werift
 *   test participants, as seven browsers do not fit this 2-core machine), 3 rooms. On two cores the
 *   8th shares the CPU with the seven others' clients, which in a real call run on seven other
 *   machines; so it is also compared with a 2nd joiner timed beside the same load: a new room's 2nd
 *   page while the full room's P1 and five werift participants (without P2 and P8) go on.
 * - Cold: no ready room (the warm pool is off); two pages navigate together to a new name and each
 *   is timed.
 * Everything stays on 127.0.0.1 and stops by itself.
 */
import type { Browser, Page } from 'playwright-core';
import { JOIN_STEPS, type JoinStep } from '../../web/src/call/joinTimeline.ts';
import { joinRoom } from '../../web/src/api/joinRoom.ts';
import { RoomsApi } from '../../web/src/api/roomsApi.ts';
import { inboundStats, launchChromium, newContext, openRoomPage, outboundStats } from '../helpers/browser.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines, type EngineUnderTest } from '../sfu/availableEngines.ts';
import { percentile } from './stats.ts';

const RUNS = Number(process.env.BENCH_JOIN_RUNS ?? 10);
/** Which parts run (default all): warm, size, cold; BENCH_JOIN_ENGINES picks engines (default every one found). */
const PARTS = new Set((process.env.BENCH_JOIN_PARTS ?? 'warm,size,cold').split(','));
const SIZE_ROOMS = Number(process.env.BENCH_JOIN_SIZE_ROOMS ?? 3);
const ROOM_SIZE = 8;

/** What the bench's probe adds to the page's own steps: from its receiving connection's getStats. */
const PROBE_STEPS = ['first-video-packet', 'first-frame-decoded'] as const;
type Timeline = Partial<Record<JoinStep | (typeof PROBE_STEPS)[number], number>> & { firstFrameHeight?: number };

/**
 * Bench instrumentation: polls the page's receiving connection's getStats every 50 ms until a video
 * frame is decoded, marking when the first video packet arrived and when the first frame was
 * decoded (`probe:<step>`), and the height of that frame (`__firstFrameHeight`: which simulcast
 * layer came first). It says where the time between DTLS and the picture on screen goes.
 */
async function probeFirstVideo(page: Page): Promise<void> {
  await page.addInitScript(() => {
    // (no named functions in here: tsx would wrap them in a helper the page does not have)
    const w = window as unknown as { __pcs?: RTCPeerConnection[]; __firstFrameHeight?: number };
    const timer = setInterval(() => {
      for (const pc of w.__pcs ?? []) {
        void pc.getStats().then((report) => {
          report.forEach((s: { type: string; kind?: string; packetsReceived?: number; framesDecoded?: number; frameHeight?: number }) => {
            if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
            if ((s.packetsReceived ?? 0) > 0 && performance.getEntriesByName('probe:first-video-packet', 'mark').length === 0) performance.mark('probe:first-video-packet');
            if ((s.framesDecoded ?? 0) > 0 && w.__firstFrameHeight === undefined) {
              performance.mark('probe:first-frame-decoded');
              w.__firstFrameHeight = s.frameHeight;
              clearInterval(timer);
            }
          });
        });
      }
    }, 50);
  });
}

/** The page's join timeline once its first remote frame is on screen. */
async function joinTimeline(page: Page): Promise<Timeline> {
  await page.waitForFunction(() => performance.getEntriesByName('join:first-remote-frame', 'mark').length > 0, undefined, { timeout: 120_000, polling: 20 });
  // the probe polls: give it a moment to see what is already on screen
  await page.waitForFunction(() => (window as unknown as { __firstFrameHeight?: number }).__firstFrameHeight !== undefined, undefined, { timeout: 5_000, polling: 20 }).catch(() => undefined);
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const m of performance.getEntriesByType('mark')) {
      const [prefix, step] = m.name.split(':');
      if ((prefix === 'join' || prefix === 'probe') && step) out[step] = m.startTime;
    }
    const height = (window as unknown as { __firstFrameHeight?: number }).__firstFrameHeight;
    return { ...out, ...(height !== undefined && { firstFrameHeight: height }) };
  });
}

async function openPage(browser: Browser, stack: TestStack, room: string, name: string): Promise<Page> {
  const context = await newContext(browser, stack.url);
  // as a person would: the pre-join screen's preview plays, then Join (the room is being readied meanwhile)
  // (beside a full room's clients on two cores, loading the page can take a while)
  return openRoomPage(context, `${stack.url}/${room}`, name, { afterPreview: true, navigationTimeoutMs: 120_000, beforeNavigation: probeFirstVideo });
}

/** A page's camera goes out to the SFU (what a person already in the call has): its publishing connection sends video. */
async function waitForPublishing(page: Page): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await outboundStats(page)).videoBytes > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the first page sent no video in 60 s');
}

async function waitForWarmRoom(stack: TestStack): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await stack.deps().roomRepository.listByStatus('AVAILABLE', 1)).length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no warm room became AVAILABLE in 60 s');
}

const stackFor = (engine: EngineUnderTest, warmRooms: number) =>
  startStack({ ...engine.stackEnv, WARM_ROOMS: String(warmRooms), MAX_ROOMS: '30', RECONCILE_INTERVAL_SECONDS: '1' });

async function warmRuns(browser: Browser, engine: EngineUnderTest): Promise<Timeline[]> {
  const stack = await stackFor(engine, 2);
  const samples: Timeline[] = [];
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      await waitForWarmRoom(stack);
      const room = `warm-${run}`;
      const first = await openPage(browser, stack, room, 'First');
      await waitForPublishing(first);
      const second = await openPage(browser, stack, room, 'Second');
      const timeline = await joinTimeline(second);
      if (run > 0) samples.push(timeline); // the first run warms the browser and the handlers up
      await Promise.all([first.context().close(), second.context().close()]);
    }
  } finally {
    await stack.stop();
  }
  return samples;
}

/**
 * The 2nd and the 8th joiner of rooms filled one by one: Chromium pages 1, 2 and 8, and werift test
 * participants (the tests' own, light synthetic media) 3 to 7, so that the 8th joiner's time is the
 * system's and not seven browsers' on two cores. The 8th still gets an offer with seven
 * participants' tracks, and the SFU carries eight publishers.
 */
interface SizeRuns {
  second: Timeline[];
  eighth: Timeline[];
  /** The 2nd joiner of another room, with the 8th's seven others still in calls on the machine. */
  besideSecond: Timeline[];
}

async function roomSizeRuns(browser: Browser, engine: EngineUnderTest): Promise<SizeRuns> {
  const stack = await stackFor(engine, 2);
  const second: Timeline[] = [];
  const eighth: Timeline[] = [];
  const besideSecond: Timeline[] = [];
  try {
    for (let run = 0; run < SIZE_ROOMS; run++) {
      await waitForWarmRoom(stack);
      const room = `size-${run}`;
      const pages: Page[] = [];
      const others: WeriftParticipant[] = [];
      const timed = async (page: Page, i: number) => {
        const timeline = await joinTimeline(page).catch(async (error: unknown) => {
          const stats = await inboundStats(page).catch(() => undefined);
          throw new Error(`P${i} of room ${room} saw no remote frame: ${(error as Error).message}; its receiving connection: ${JSON.stringify(stats)}`);
        });
        return timeline;
      };
      try {
        const first = await openPage(browser, stack, room, 'P1');
        pages.push(first);
        await waitForPublishing(first);
        pages.push(await openPage(browser, stack, room, 'P2'));
        second.push(await timed(pages[1]!, 2));
        for (let i = 3; i < ROOM_SIZE; i++) {
          const access = await joinRoom(new RoomsApi(stack.url), room, { timeoutMs: 60_000 });
          others.push(await WeriftParticipant.join({ url: stack.wsUrl, token: access.token, roomId: access.roomId, peerId: access.peerId, videoBitrate: 50_000, fps: 5 }));
        }
        // everyone already in receives the newest participant's media before the 8th comes
        await others.at(-1)!.waitFor(() => others.slice(0, -1).every((o) => o.stream(others.at(-1)!.peerId, 'video').packets > 0), 60_000, 'media among the werift participants');
        pages.push(await openPage(browser, stack, room, `P${ROOM_SIZE}`));
        eighth.push(await timed(pages.at(-1)!, ROOM_SIZE));
        // the same machine load, in another room: P1 and the five werift participants go on, P2 and
        // P8 leave, and a new room's two pages take their place
        await Promise.all([pages[1]!.context().close(), pages[2]!.context().close()]);
        pages.splice(1, 2);
        await waitForWarmRoom(stack);
        const beside = `${room}-beside`;
        pages.push(await openPage(browser, stack, beside, 'Q1'));
        await waitForPublishing(pages.at(-1)!);
        pages.push(await openPage(browser, stack, beside, 'Q2'));
        besideSecond.push(await timed(pages.at(-1)!, 2));
      } finally {
        await Promise.all([...pages.map((p) => p.context().close()), ...others.map((o) => o.close())]);
      }
    }
  } finally {
    await stack.stop();
  }
  return { second, eighth, besideSecond };
}

async function coldRuns(browser: Browser, engine: EngineUnderTest): Promise<Timeline[]> {
  const stack = await stackFor(engine, 0);
  const samples: Timeline[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const room = `cold-${run}`;
      const pages = await Promise.all(['A', 'B'].map((name) => openPage(browser, stack, room, name)));
      samples.push(...(await Promise.all(pages.map(joinTimeline))));
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

/** What the system makes a person wait: from the pre-join screen's Join click to the first remote frame. */
const afterClick = (t: Timeline) => (t['first-remote-frame'] ?? NaN) - (t['join-clicked'] ?? NaN);

const fmt = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms`.padStart(8) : '       -');

/** p50 of each step's time since navigation, in the order steps happen. */
function stepTable(title: string, samples: Timeline[]): void {
  console.log(`\n${title} (n=${samples.length}): ms since navigation, p50 of each step`);
  const rows = [...JOIN_STEPS, ...PROBE_STEPS]
    .map((step) => ({ step, p50: percentile(samples.map((s) => s[step]).filter((v): v is number => v !== undefined), 50) }))
    .filter((r) => Number.isFinite(r.p50))
    .sort((a, b) => a.p50 - b.p50);
  for (const { step, p50 } of rows) console.log(`  ${(PROBE_STEPS as readonly string[]).includes(step) ? `(getStats) ${step}`.padEnd(26) : step.padEnd(26)} ${fmt(p50)}`);
  const heights = samples.map((s) => s.firstFrameHeight).filter((h): h is number => h !== undefined);
  if (heights.length > 0) console.log(`  ${'first frame height'.padEnd(26)} ${[...new Set(heights)].sort((a, b) => a - b).map((h) => `${h}p x${heights.filter((x) => x === h).length}`).join(', ')}`);
  const totals = samples.map((s) => s['first-remote-frame']!).filter((v) => v !== undefined);
  console.log(`  ${'whole join: p50 / p95'.padEnd(26)} ${fmt(percentile(totals, 50))} / ${fmt(percentile(totals, 95)).trim()}`);
  const clicked = samples.map(afterClick).filter((v) => Number.isFinite(v));
  console.log(`  ${'Join click to frame: p50 / p95'.padEnd(26)} ${fmt(percentile(clicked, 50))} / ${fmt(percentile(clicked, 95)).trim()}`);
}

const { engines, coverage } = availableEngines();
console.log(`bench:join — ${coverage}`);
const browser = await launchChromium();
const summary: string[] = [];
try {
  const only = process.env.BENCH_JOIN_ENGINES?.split(',');
  for (const engine of [...engines].reverse().filter((e) => !only || only.includes(e.name))) {
    const warm = PARTS.has('warm') ? await warmRuns(browser, engine) : [];
    if (PARTS.has('warm')) stepTable(`${engine.name}, warm room`, warm);
    const size = PARTS.has('size') ? await roomSizeRuns(browser, engine) : { second: [], eighth: [], besideSecond: [] };
    const whole = (s: Timeline[]) => s.map((t) => t['first-remote-frame']!);
    const [p2, p8, p2beside] = [percentile(whole(size.second), 50), percentile(whole(size.eighth), 50), percentile(whole(size.besideSecond), 50)];
    if (PARTS.has('size')) {
      stepTable(`${engine.name}, the 2nd joiner of a room`, size.second);
      stepTable(`${engine.name}, the 8th joiner of a room`, size.eighth);
      stepTable(`${engine.name}, a 2nd joiner beside the 8th's load (its seven others' clients in another room)`, size.besideSecond);
      console.log(`\n${engine.name}, room size: 2nd joiner p50 ${fmt(p2).trim()}, 8th joiner p50 ${fmt(p8).trim()} (${(p8 / p2).toFixed(2)}x; ${size.second.length} rooms)`);
      console.log(`${engine.name}, the same load: 2nd joiner beside it p50 ${fmt(p2beside).trim()}, 8th joiner ${(p8 / p2beside).toFixed(2)}x of it`);
    }
    const cold = PARTS.has('cold') ? await coldRuns(browser, engine) : [];
    if (PARTS.has('cold')) stepTable(`${engine.name}, cold path (no ready room)`, cold);
    const total = (s: Timeline[], p: number) => percentile(s.map((t) => t['first-remote-frame']!).filter((v) => v !== undefined), p);
    summary.push(
      `${engine.name.padEnd(9)} | ${fmt(total(warm, 50))} | ${fmt(total(warm, 95))} | ${fmt(percentile(warm.map(afterClick), 50))} | ${fmt(percentile(warm.map(afterClick), 95))} | ${fmt(p2)} | ${fmt(p8)} | ${(p8 / p2).toFixed(2).padStart(5)}x | ${(p8 / p2beside).toFixed(2).padStart(8)}x | ${fmt(total(cold, 50))} | ${fmt(total(cold, 95))}`,
    );
  }
  console.log('\nnavigation to the first decoded remote video frame (headless Chromium, fake devices)');
  console.log('engine    | warm p50 | warm p95 | click p50 | click p95 |  2nd p50 |  8th p50 | 8th/2nd | same load | cold p50 | cold p95');
  for (const line of summary) console.log(line);
} finally {
  await browser.close();
}
