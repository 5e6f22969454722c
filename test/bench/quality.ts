/**
 * npm run bench:quality — what simulcast and receiver-driven layers save: a 4-person Chromium call on
 * the mediasoup engine (the one that forwards layers), and each receiver's downstream video bit rate
 * (from its receiving connection's getStats) when
 * - its tiles are small (a 640x400 window: the 2x2 grid's tiles are about 320x180),
 * - it shows one participant large (a 1280x800 window in speaker view: one tile near 720p),
 * - nobody publishes simulcast (`?simulcast=off`: one full-size stream each), small tiles again.
 * It prints the kbit/s per receiver, the frame size it decodes, and the small-tile cost as a share
 * of the single-layer one (aim: at most 35%); then the mean kbit/s of one received stream per layer
 * (180p, 360p, 720p, by decoded height) and of audio, the rates `npm run cost -- --rates` takes, and
 * writes them to `-- --rates-out <file>` (default test-artifacts/measured-rates.json).
 * Then the downlink part: two people, the receiver showing the other large, its downlink open, then
 * limited with tc (`-- --limit-kbit`, default 400: the lowest layer, capped at 150 kbit/s, and audio
 * fit, the 360p layer, capped at 500, does not; test/bench/loopbackShaper.ts: loopback traffic to
 * its connection's ports only, root needed, skipped with the reason where tc cannot), then open
 * again; it prints the layer it decodes, frames and kbit/s each few seconds, and per phase the layers
 * seen, the lowest frame rate and Chromium's freeze count. `-- --parts layers` or `-- --parts downlink`
 * runs one part; `-- --settle <s>` (default 30) and `-- --people <n>` (default 4) change the
 * layers part, `-- --io-uring on` runs the SFU's workers with io_uring (default off: see IO_URING).
 * Each case also prints what the senders' encoders were asked for and sent, the loss the SFU reported
 * to them and their bandwidth estimates. Everything stays on 127.0.0.1 and stops by itself (the tc
 * limit is removed at exit).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { LAYER_HEIGHT, LAYERS, type RateKey } from '../../lib/cost/rates.ts';
import { launchChromium, newContext, openRoomPage } from '../helpers/browser.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { availableEngines } from '../sfu/availableEngines.ts';
import { LoopbackShaper } from './loopbackShaper.ts';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string' }, settle: { type: 'string' }, people: { type: 'string' }, 'io-uring': { type: 'string' }, 'rates-out': { type: 'string' }, parts: { type: 'string' }, 'limit-kbit': { type: 'string' } },
});
/** Which parts run: `layers` (the tile-size cases and the rates), `downlink` (one receiver's link limited and freed). */
const PARTS = new Set((args.parts ?? 'layers,downlink').split(','));
const LIMIT_KBIT = Number(args['limit-kbit'] ?? 400);
const DOWNLINK_PHASE_S = 25;
const MEASURE_S = Number(args.seconds ?? 12);
const RATES_OUT = args['rates-out'] ?? 'test-artifacts/measured-rates.json';
/**
 * Before each case is measured. A camera sent as one stream starts small: libwebrtc's quality scaler
 * (single-stream only; it reports itself as qualityLimitationReason "bandwidth") takes it down while
 * the start-up estimate is low and back to 720p over 20-30 s; 8 s measured that ramp, not the call.
 */
const SETTLE_S = Number(args.settle ?? 30);
/**
 * The SFU tasks' MEDIASOUP_IO_URING (off, as theirs by default): with io_uring, while tc holds one
 * receiver's packets on loopback, the worker's sends to everyone stalled for seconds (the publishers
 * got none of its keyframe requests and lost their transport feedback: 4.8-7.8 s frozen pictures, 0.2-2.9 s without).
 * `-- --io-uring on` shows it.
 */
const IO_URING = args['io-uring'] ?? 'off';
const UPGRADE_SETTLE_S = 20;
const PEOPLE = Number(args.people ?? 4);

/** One received stream of a page: its bytes so far and, for video, the height it decodes at. */
interface Stream {
  id: string;
  kind: 'audio' | 'video';
  bytes: number;
  height?: number;
  width?: number;
}

interface Received {
  kbps: number;
  /** Decoded frame sizes of the remote videos, e.g. "320x180". */
  sizes: string[];
  /** kbit/s of each received stream over the measured time. */
  streams: { kind: 'audio' | 'video'; kbps: number; height?: number }[];
  /** The page's own camera encodings at the end of the measured time. */
  sent: Sent[];
}

/** One encoding the page sends (a simulcast layer, or its one camera stream), from its outbound-rtp stats. */
interface Sent {
  rid?: string;
  height: number;
  fps: number;
  /** Why the encoder sends less than it was asked for: none, cpu, bandwidth or other. */
  limitation: string;
  /** What the encoder is asked for (bit/s), and the loss the SFU reports back for this stream (0-1). */
  target: number;
  lost: number;
  /** The publishing connection's bandwidth estimate (bit/s, its selected candidate pair's availableOutgoingBitrate). */
  estimate: number;
}

/**
 * One getStats pass over the page's connections: the inbound RTP streams of its receiving
 * connection(s), and its own outbound camera encodings (screens aside).
 */
async function pageStats(page: Page): Promise<{ streams: Stream[]; sent: Sent[] }> {
  return page.evaluate(async () => {
    const streams: Stream[] = [];
    const sent: Sent[] = [];
    for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      let estimate = 0;
      const lossOf = new Map<string, number>();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') estimate = Number(s.availableOutgoingBitrate ?? 0);
        if (s.type === 'remote-inbound-rtp') lossOf.set(String(s.localId), Number(s.fractionLost ?? 0));
      });
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && (s.kind === 'video' || s.kind === 'audio')) {
          const height = Number(s.frameHeight ?? 0);
          streams.push({ id: String(s.id), kind: s.kind, bytes: Number(s.bytesReceived ?? 0), ...(height && { height, width: Number(s.frameWidth) }) });
        } else if (s.type === 'outbound-rtp' && s.kind === 'video' && s.contentType !== 'screenshare') {
          sent.push({
            ...(typeof s.rid === 'string' && { rid: s.rid }),
            height: Number(s.frameHeight ?? 0),
            fps: Number(s.framesPerSecond ?? 0),
            limitation: String(s.qualityLimitationReason ?? 'none'),
            target: Number(s.targetBitrate ?? 0),
            lost: lossOf.get(String(s.id)) ?? 0,
            estimate,
          });
        }
      });
    }
    return { streams, sent };
  });
}

async function measure(pages: Page[], settleS = SETTLE_S): Promise<Received[]> {
  await new Promise((r) => setTimeout(r, settleS * 1000));
  const before = (await Promise.all(pages.map(pageStats))).map((p) => p.streams);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
  const after = await Promise.all(pages.map(pageStats));
  const seconds = (performance.now() - started) / 1000;
  return after.map(({ streams, sent }, i) => {
    const earlier = new Map(before[i]!.map((s) => [s.id, s.bytes]));
    const measured = streams.map((s) => ({ kind: s.kind, kbps: ((s.bytes - (earlier.get(s.id) ?? 0)) * 8) / 1000 / seconds, ...(s.height && { height: s.height }) }));
    const video = streams.filter((s) => s.kind === 'video');
    return {
      kbps: measured.filter((s) => s.kind === 'video').reduce((n, s) => n + s.kbps, 0),
      sizes: video.filter((s) => s.height).map((s) => `${s.width}x${s.height}`),
      streams: measured,
      sent,
    };
  });
}

/** The layer a decoded height is (the nearest of 180p, 360p and 720p). */
const layerOf = (height: number) => LAYERS.reduce((best, layer) => (Math.abs(LAYER_HEIGHT[layer] - height) < Math.abs(LAYER_HEIGHT[best] - height) ? layer : best));

/** Mean kbit/s of one received stream, per layer and for audio, over every case's streams. */
function ratesOf(cases: Received[][]): Partial<Record<RateKey, { kbps: number; n: number }>> {
  const groups = new Map<RateKey, number[]>();
  for (const stream of cases.flat().flatMap((r) => r.streams)) {
    if (stream.kbps <= 0) continue;
    const key: RateKey | undefined = stream.kind === 'audio' ? 'audio' : stream.height ? layerOf(stream.height) : undefined;
    if (key) groups.set(key, [...(groups.get(key) ?? []), stream.kbps]);
  }
  return Object.fromEntries([...groups].map(([key, v]) => [key, { kbps: v.reduce((a, b) => a + b, 0) / v.length, n: v.length }]));
}

async function call(browser: Browser, stack: TestStack, room: string, viewport: { width: number; height: number }, query = '', people = PEOPLE): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < people; i++) {
    const context = await newContext(browser, stack.url);
    const page = await openRoomPage(context, `${stack.url}/${room}${query}`, `P${i + 1}`);
    await page.setViewportSize(viewport);
    await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
    pages.push(page);
  }
  // everyone sees everyone
  for (const page of pages) {
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="tile-camera-"] video').length >= n, people, { timeout: 60_000 });
  }
  return pages;
}

const close = (pages: Page[]) => Promise.all(pages.map((p) => p.context().close()));

async function speakerView(page: Page): Promise<boolean> {
  const button = page.getByTestId('layout-button');
  if ((await button.count()) === 0) return false;
  await button.click();
  return true;
}

function row(label: string, received: Received[]): string {
  const kbps = received.map((r) => r.kbps.toFixed(0).padStart(6)).join(' ');
  const mean = received.reduce((n, r) => n + r.kbps, 0) / received.length;
  return `  ${label.padEnd(34)} ${kbps}   mean ${mean.toFixed(0).padStart(5)} kbit/s   decoded: ${[...new Set(received.flatMap((r) => r.sizes))].join(', ')}\n${sentRow(received)}`;
}

/** What the pages' encoders sent meanwhile, per rid: heights, frame rates, and what limited them (pages counted). */
function sentRow(received: Received[]): string {
  const byRid = new Map<string, Sent[]>();
  for (const e of received.flatMap((r) => r.sent)) {
    const rid = e.rid ?? 'single';
    byRid.set(rid, [...(byRid.get(rid) ?? []), e]);
  }
  const parts = [...byRid].map(([rid, list]) => {
    const heights = [...new Set(list.map((e) => `${e.height}p`))].join('/');
    const fps = list.reduce((n, e) => n + e.fps, 0) / list.length;
    const limits = [...new Set(list.map((e) => e.limitation))].map((l) => `${l} ${list.filter((e) => e.limitation === l).length}`).join(', ');
    const target = list.reduce((n, e) => n + e.target, 0) / list.length / 1000;
    const lost = Math.max(...list.map((e) => e.lost));
    return `${rid} ${heights} ${fps.toFixed(0)} fps, asked ${target.toFixed(0)} kbit/s, loss up to ${(lost * 100).toFixed(1)}% (${limits})`;
  });
  const estimates = received.map((r) => (r.sent[0]?.estimate ? (r.sent[0].estimate / 1000).toFixed(0) : '-')).join(' ');
  return `  ${''.padEnd(34)} sent: ${parts.join('; ')}\n  ${''.padEnd(34)} publishers' estimates: ${estimates} kbit/s`;
}

/** A page's received camera at one moment (its receiving connection's inbound video). */
interface VideoSample {
  at: number;
  height: number;
  framesDecoded: number;
  bytes: number;
  freezeCount: number;
  freezeSeconds: number;
  /** Keyframe requests (PLI) the receiver sent, packets it lost, keyframes it decoded. */
  plis: number;
  lost: number;
  keyframes: number;
  /** The local UDP ports of the connection it arrives on (each of its candidates: ICE may move between them). */
  ports: number[];
}

async function videoSample(page: Page): Promise<VideoSample | undefined> {
  return page.evaluate(async () => {
    for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(String(s.id), s));
      const video = [...stats.values()].find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
      if (!video) continue;
      const ports = [...stats.values()].filter((s) => s.type === 'local-candidate' && s.protocol === 'udp').map((s) => Number(s.port));
      return {
        at: performance.now(),
        height: Number(video.frameHeight ?? 0),
        framesDecoded: Number(video.framesDecoded ?? 0),
        bytes: Number(video.bytesReceived ?? 0),
        freezeCount: Number(video.freezeCount ?? 0),
        freezeSeconds: Number(video.totalFreezesDuration ?? 0),
        plis: Number(video.pliCount ?? 0),
        lost: Number(video.packetsLost ?? 0),
        keyframes: Number(video.keyFramesDecoded ?? 0),
        ports: [...new Set(ports)],
      };
    }
    return undefined;
  });
}

interface PhaseSummary {
  phase: string;
  heights: number[];
  minFps: number;
  meanKbps: number;
  freezes: number;
  freezeSeconds: number;
  plis: number;
  lost: number;
  keyframes: number;
}

/** Samples the receiver once a second for `seconds`, printing each second; returns the phase's summary. */
async function samplePhase(page: Page, phase: string, seconds: number): Promise<PhaseSummary> {
  let last = await videoSample(page);
  let first = last;
  const heights: number[] = [];
  const fps: number[] = [];
  const kbps: number[] = [];
  for (let i = 1; i <= seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await videoSample(page);
    first ??= now;
    if (!now || !last) {
      last = now;
      continue;
    }
    const dt = (now.at - last.at) / 1000;
    heights.push(now.height);
    fps.push((now.framesDecoded - last.framesDecoded) / dt);
    kbps.push(((now.bytes - last.bytes) * 8) / 1000 / dt);
    if (i % 5 === 0 || i === 1) console.log(`    ${phase.padEnd(26)} ${String(i).padStart(3)} s   ${String(now.height).padStart(4)}p  ${fps.at(-1)!.toFixed(0).padStart(3)} fps  ${kbps.at(-1)!.toFixed(0).padStart(5)} kbit/s`);
    last = now;
  }
  return {
    phase,
    heights,
    minFps: Math.min(...fps),
    meanKbps: kbps.reduce((a, b) => a + b, 0) / Math.max(1, kbps.length),
    freezes: (last?.freezeCount ?? 0) - (first?.freezeCount ?? 0),
    freezeSeconds: (last?.freezeSeconds ?? 0) - (first?.freezeSeconds ?? 0),
    plis: (last?.plis ?? 0) - (first?.plis ?? 0),
    lost: (last?.lost ?? 0) - (first?.lost ?? 0),
    keyframes: (last?.keyframes ?? 0) - (first?.keyframes ?? 0),
  };
}

/**
 * Two people on mediasoup, the receiver showing the other large (a 1280x800 window): its downlink
 * open, then limited with tc to LIMIT_KBIT kbit/s, then open again. Prints the layer it decodes, its
 * frame rate and bit rate through the three phases, and the freezes Chromium counted in each.
 */
async function downlink(browser: Browser, stack: TestStack): Promise<void> {
  const why = LoopbackShaper.unavailable();
  if (why) {
    console.log(`  downlink part not run: ${why}`);
    return;
  }
  const shaper = new LoopbackShaper();
  const pages = await call(browser, stack, 'quality-downlink', { width: 1280, height: 800 }, '', 2);
  try {
    const receiver = pages[1]!;
    console.log('');
    console.log(`  one receiver's downlink (2 people, 1280x800): open, limited to ${LIMIT_KBIT} kbit/s, open again`);
    const open = await samplePhase(receiver, 'open', UPGRADE_SETTLE_S + 10);
    const ports = (await videoSample(receiver))?.ports ?? [];
    if (ports.length === 0) throw new Error('the receiver\'s connection has no UDP candidate: nothing to limit');
    shaper.limit(ports, LIMIT_KBIT);
    const limited = await samplePhase(receiver, `limited (${LIMIT_KBIT} kbit/s)`, DOWNLINK_PHASE_S);
    if (process.env.BENCH_QUALITY_DEBUG) console.log(shaper.counters());
    shaper.clear();
    const freed = await samplePhase(receiver, 'open again', DOWNLINK_PHASE_S);
    console.log('');
    console.log('  phase                       layers decoded (first -> last)  lowest fps  mean kbit/s  freezes (s)  lost  PLIs  keyframes');
    for (const p of [open, limited, freed]) {
      const path = [...new Set(p.heights)].map((h) => `${h}p`).join(' -> ');
      console.log(
        `  ${p.phase.padEnd(27)} ${path.padEnd(31)} ${p.minFps.toFixed(0).padStart(10)} ${p.meanKbps.toFixed(0).padStart(12)}  ${`${p.freezes} (${p.freezeSeconds.toFixed(1)})`.padEnd(11)} ${String(p.lost).padStart(5)} ${String(p.plis).padStart(5)} ${String(p.keyframes).padStart(10)}`,
      );
    }
  } finally {
    shaper.clear();
    await close(pages);
  }
}

async function main(): Promise<void> {
  const engine = availableEngines().engines.find((e) => e.name === 'mediasoup');
  if (!engine) {
    console.log(`bench:quality needs the mediasoup engine (the one that forwards layers): ${availableEngines().coverage}`);
    process.exitCode = 1;
    return;
  }
  if (IO_URING !== 'on' && IO_URING !== 'off') throw new Error(`--io-uring must be on or off, got "${IO_URING}"`);
  console.log(`bench:quality: ${PEOPLE} people in Chromium (fake 720p cameras) on mediasoup; ${SETTLE_S} s to settle, then ${MEASURE_S} s measured per case`);
  console.log(`  MEDIASOUP_IO_URING=${IO_URING}${IO_URING === 'off' ? ' (the default; with io_uring the tc limit on loopback stalls the worker\'s sends to everyone: -- --io-uring on)' : ''}`);
  const stack = await startStack({ ...engine.stackEnv, MEDIASOUP_IO_URING: IO_URING, WARM_ROOMS: '2', MAX_ROOMS: '10', RECONCILE_INTERVAL_SECONDS: '1' });
  const browser = await launchChromium();
  try {
    if (PARTS.has('layers')) await layers(browser, stack);
    if (PARTS.has('downlink')) await downlink(browser, stack);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** The tile-size cases: what each receiver gets with small tiles, one large tile, and without simulcast; the rates per layer. */
async function layers(browser: Browser, stack: TestStack): Promise<void> {
  const small = { width: 640, height: 400 };
  const large = { width: 1280, height: 800 };
  let pages = await call(browser, stack, 'quality-small', small);
  const smallTiles = await measure(pages);
  // one receiver shows one participant large
  await Promise.all(pages.map((p) => p.setViewportSize(large)));
  const speaker = await speakerView(pages[0]!);
  // a higher layer waits for the receiver's bandwidth estimate to grow to it
  const largeTile = await measure(pages, UPGRADE_SETTLE_S);
  await close(pages);
  pages = await call(browser, stack, 'quality-single', small, '?simulcast=off');
  const single = await measure(pages);
  await close(pages);

  console.log('');
  console.log(`  downstream video kbit/s per receiver (${PEOPLE - 1} remote cameras each)`);
  console.log(row('simulcast, small tiles (640x400)', smallTiles));
  console.log(row(`simulcast, ${speaker ? 'speaker view' : 'grid'} (1280x800)`, largeTile));
  console.log(row('no simulcast, small tiles', single));
  const mean = (r: Received[]) => r.reduce((n, x) => n + x.kbps, 0) / r.length;
  const share = mean(smallTiles) / mean(single);
  console.log('');
  console.log(`small tiles cost ${(share * 100).toFixed(0)}% of the single-layer bit rate (aim: at most 35%)`);
  const rates = ratesOf([smallTiles, largeTile, single]);
  console.log('');
  console.log('  one received stream, mean kbit/s of RTP payload (getStats bytesReceived), all cases:');
  for (const [key, r] of Object.entries(rates)) console.log(`    ${key.padEnd(6)} ${r.kbps.toFixed(0).padStart(6)} kbit/s  (${r.n} streams)`);
  const file = { source: `npm run bench:quality on ${new Date().toISOString().slice(0, 10)}: ${PEOPLE} Chromium pages (fake cameras) on mediasoup, ${MEASURE_S} s per case`, ...Object.fromEntries(Object.entries(rates).map(([k, r]) => [k, Math.round(r.kbps)])) };
  mkdirSync(dirname(RATES_OUT), { recursive: true });
  writeFileSync(RATES_OUT, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`  written to ${RATES_OUT}: npm run cost -- --rates ${RATES_OUT}`);
}

await main();
