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

/**
 * A network that lets no UDP through to the SFU, as seen by the page: every UDP candidate of the
 * SFU's descriptions and trickled candidates is dropped before the browser sees it, so ICE can only
 * pair over TCP (mediasoup's WebRtcServer offers a passive TCP candidate).
 */
export async function blockUdpToSfu(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const udp = /^a=candidate:\S+ \d+ udp /i;
    const proto = RTCPeerConnection.prototype;
    const setRemote = proto.setRemoteDescription;
    proto.setRemoteDescription = function (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) {
      const sdp = description?.sdp?.split('\r\n').filter((line) => !udp.test(line)).join('\r\n');
      return (setRemote as (d?: RTCSessionDescriptionInit) => Promise<void>).call(this, description && { type: description.type, ...(sdp !== undefined && { sdp }) });
    } as typeof proto.setRemoteDescription;
    const addCandidate = proto.addIceCandidate;
    proto.addIceCandidate = function (this: RTCPeerConnection, candidate?: RTCIceCandidateInit | null) {
      if (candidate?.candidate && udp.test(`a=${candidate.candidate}`)) return Promise.resolve();
      return (addCandidate as (c?: RTCIceCandidateInit) => Promise<void>).call(this, candidate ?? undefined);
    } as typeof proto.addIceCandidate;
  });
}

/** The transport protocol of each connected peer connection's selected candidate pair (local side). */
export async function selectedProtocols(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const out: string[] = [];
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue;
      const report = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      for (const s of byId.values()) {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = byId.get(s.selectedCandidatePairId as string);
          const local = pair && byId.get(pair.localCandidateId as string);
          if (local) out.push(String(local.protocol));
        }
      }
    }
    return out;
  });
}

/** Test instrumentation: the page remembers every peer connection it makes (`window.__pcs`), for getStats. */
export async function recordPeerConnections(page: Page): Promise<void> {
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
}

/**
 * Opens a room's page as `displayName` and joins from its pre-join screen: at once, or (`afterPreview`)
 * as a person would, once the camera preview plays. `navigationTimeoutMs` (default 30 s) is for a
 * page that loads beside many others (a bench's full room on two cores); `beforeNavigation` adds a
 * bench's or a test's own instrumentation to the page.
 */
export async function openRoomPage(
  context: BrowserContext,
  url: string,
  displayName: string,
  options: { afterPreview?: boolean; navigationTimeoutMs?: number; beforeNavigation?: (page: Page) => Promise<void> } = {},
): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((name) => localStorage.setItem('video-rooms.displayName', name), displayName);
  await recordPeerConnections(page);
  await options.beforeNavigation?.(page);
  await page.goto(url, { timeout: options.navigationTimeoutMs ?? 30_000 });
  if (!isRoomUrl(url)) return page;
  if (options.afterPreview) await waitForPreview(page);
  await passPreJoin(page);
  return page;
}

/** The pre-join screen's camera preview plays. */
export async function waitForPreview(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="preview"]')?.videoWidth ?? 0) > 0, undefined, { timeout: timeoutMs, polling: 20 });
}

/** A room's page (by its name or a share ticket): it opens on the pre-join screen. */
const isRoomUrl = (url: string) => {
  const path = new URL(url).pathname.replace(/^\/+|\/+$/g, '');
  return path !== '' && !path.startsWith('c/') && !path.startsWith('auth/');
};

/** Joins from the pre-join screen as it is (camera and microphone as opened, the remembered name). */
export async function passPreJoin(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.getByTestId('join-now').click({ timeout: timeoutMs });
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

/** Outbound RTP stats of the page's publishing connections, summed per kind. */
export async function outboundStats(page: Page): Promise<{ audioPackets: number; videoBytes: number }> {
  return page.evaluate(async () => {
    let audioPackets = 0;
    let videoBytes = 0;
    for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; packetsSent?: number; bytesSent?: number }) => {
        if (s.type !== 'outbound-rtp') return;
        if (s.kind === 'audio') audioPackets += s.packetsSent ?? 0;
        else if (s.kind === 'video') videoBytes += s.bytesSent ?? 0;
      });
    }
    return { audioPackets, videoBytes };
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
