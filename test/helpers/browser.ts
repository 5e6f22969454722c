/** Headless Debian Chromium with fake camera and microphone, driven by playwright-core. */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

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
