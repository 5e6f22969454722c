/** Headless Debian Chromium with fake camera and microphone, driven by playwright-core. */
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** `--deny-permission-prompts` in extraArgs drops the fake permission UI: every prompt is answered no. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const deny = extraArgs.includes('--deny-permission-prompts');
  const flags = CHROMIUM_FLAGS.filter((f) => !(deny && f === '--use-fake-ui-for-media-stream'));
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...flags, ...extraArgs],
  });
}

/** A context with camera and microphone allowed (or not) for the stack's origin. */
export async function newContext(browser: Browser, origin: string, allowMedia = true): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (allowMedia) await context.grantPermissions(['camera', 'microphone'], { origin });
  // the display name is remembered: start each context with one, as a returning user
  return context;
}

export async function openRoomPage(context: BrowserContext, url: string, displayName: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((name) => localStorage.setItem('video-rooms.displayName', name), displayName);
  // test instrumentation: remember every peer connection the page makes, for getStats
  await page.addInitScript(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; RTCPeerConnection: typeof RTCPeerConnection };
    const Original = w.RTCPeerConnection;
    w.__pcs = [];
    w.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcs.push(this);
      }
    };
  });
  await page.goto(url);
  return page;
}

/** Inbound RTP stats of the page's consumer connections, summed per kind. */
export async function inboundStats(page: Page): Promise<{ framesDecoded: number; audioBytes: number; videoBytes: number }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    let framesDecoded = 0;
    let audioBytes = 0;
    let videoBytes = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          framesDecoded += s.framesDecoded ?? 0;
          videoBytes += s.bytesReceived ?? 0;
        } else if (s.kind === 'audio') audioBytes += s.bytesReceived ?? 0;
      });
    }
    return { framesDecoded, audioBytes, videoBytes };
  });
}

/** Waits until the locator's text matches (vitest has no Playwright matchers). */
export async function expectText(locator: Locator, pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await locator.textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return;
    if (Date.now() > deadline) throw new Error(`text ${JSON.stringify(last)} never matched ${String(pattern)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The peer id of the page's own participant tile. */
export const selfId = (page: Page) => page.getByTestId('tile-camera-self').getAttribute('data-peer-id') as Promise<string>;

/** The remote tile of `peerId` is playing: its video has a size and its time advances; frames decode and audio arrives. */
export async function expectPlaying(page: Page, peerId: string): Promise<void> {
  const video = page.locator(`[data-testid="tile-camera-${peerId}"] video`);
  await video.waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForFunction(
    (id) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="tile-camera-${id}"] video`);
      return !!v && v.videoWidth > 0 && v.currentTime > 0.5;
    },
    peerId,
    { timeout: 20_000 },
  );
  const first = await inboundStats(page);
  await page.waitForTimeout(1500);
  const second = await inboundStats(page);
  expect(second.framesDecoded).toBeGreaterThan(first.framesDecoded);
  expect(second.audioBytes).toBeGreaterThan(first.audioBytes);
}
