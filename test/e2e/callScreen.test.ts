/**
 * The call screen in headless Chromium against the local stack (one SFU engine: the screen does not
 * depend on it): the pre-join screen and its remembered choices, the layouts (1, 2, 4 and 9 people,
 * a shared screen, the speaker view, a phone-sized window) with their geometry, the per-tile marks,
 * the people panel and raised hands, chat's unread count, join and leave notices, switching and
 * losing a device in the call, accessibility (axe-core) and the keyboard. Two Chromium pages (Alice
 * and Bob); the crowd are werift test participants. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPlaying, expectText, launchChromium, newContext, openRoomPage, outboundStats, recordPeerConnections, selfId, waitForPreview } from '../helpers/browser.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { joinWerift } from '../helpers/roomOnStack.ts';
import type { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines } from '../sfu/availableEngines.ts';

const engine = availableEngines().engines[0]!;
console.warn(`callScreen: SFU engine ${engine.name}`);

const ARTIFACTS = 'test-artifacts';
const ROOM = 'screen-test';
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

let stack: TestStack;
let browser: Browser;
let aliceContext: BrowserContext;
let alice: Page;
let bob: Page;
let aliceId: string;
let bobId: string;
const crowd: WeriftParticipant[] = [];

const shot = (page: Page, what: string) => page.screenshot({ path: `${ARTIFACTS}/${engine.name}-call-screen-${what}.png` });

interface Box {
  testId: string;
  role: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The stage's box and every tile's on it (page coordinates). */
async function geometry(page: Page): Promise<{ stage: Box; tiles: Box[] }> {
  return page.evaluate(() => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { testId: el.getAttribute('data-testid') ?? '', role: el.getAttribute('data-role'), x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const stage = document.querySelector('[data-testid="stage"]')!;
    return { stage: box(stage), tiles: Array.from(stage.querySelectorAll('.tile')).map(box) };
  });
}

const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/** No two tiles share more than a pixel's rounding, and every tile is inside the stage. */
function expectNoOverlap(stage: Box, tiles: Box[]): void {
  for (let i = 0; i < tiles.length; i++) {
    const t = tiles[i]!;
    expect(t.x, `${t.testId} left`).toBeGreaterThanOrEqual(stage.x - 1);
    expect(t.y, `${t.testId} top`).toBeGreaterThanOrEqual(stage.y - 1);
    expect(t.x + t.width, `${t.testId} right`).toBeLessThanOrEqual(stage.x + stage.width + 1);
    expect(t.y + t.height, `${t.testId} bottom`).toBeLessThanOrEqual(stage.y + stage.height + 1);
    for (let j = i + 1; j < tiles.length; j++) expect(overlap(t, tiles[j]!), `${t.testId} overlaps ${tiles[j]!.testId}`).toBeLessThanOrEqual(1);
  }
}

/** Resolves once a notice with `text` shows (armed before what makes it: notices go after a few seconds). */
function noticeSeen(page: Page, text: string): Promise<unknown> {
  return page.waitForFunction((t) => document.querySelector('[data-testid="toasts"]')?.textContent?.includes(t), text, { polling: 50, timeout: 60_000 });
}

const coverage = (stage: Box, tiles: Box[]) => tiles.reduce((sum, t) => sum + t.width * t.height, 0) / (stage.width * stage.height);

/** Waits until the stage shows `count` tiles laid out as `layout`. */
async function waitForTiles(page: Page, count: number, layout = 'grid'): Promise<void> {
  await page.waitForFunction(
    ({ count, layout }) => {
      const stage = document.querySelector('[data-testid="stage"]');
      return stage?.getAttribute('data-layout') === layout && stage.querySelectorAll('.tile:not(.more)').length === count;
    },
    { count, layout },
    { timeout: 60_000 },
  );
}

/** axe-core run in the page: the serious and critical violations (none expected). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The page's own microphone (as the producer sends it): its device, and the producer's local SDP. */
async function sentAudio(page: Page): Promise<{ deviceId: string | undefined; readyState: string | undefined; sdp: string | undefined }> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    const producer = pcs.find((pc) => pc.getTransceivers().some((t) => t.direction === 'sendonly'));
    const track = producer?.getSenders().find((s) => s.track?.kind === 'audio')?.track ?? undefined;
    return { deviceId: track?.getSettings().deviceId, readyState: track?.readyState, sdp: producer?.localDescription?.sdp };
  });
}

/** Opens or closes the devices panel, whatever state an earlier case left it in. */
async function devicesPanel(page: Page, open: boolean): Promise<void> {
  const button = page.getByTestId('devices-button');
  if ((await button.getAttribute('aria-expanded')) !== String(open)) await button.click();
  await page.getByTestId('devices-panel').waitFor({ state: open ? 'visible' : 'detached' });
}

async function joinCrowd(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    crowd.push(await joinWerift(stack, ROOM, { displayName: `Werift ${crowd.length + 1}`, videoBitrate: 60_000, fps: 10 }));
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // three fake cameras (and Chromium's three fake microphones), to switch between
  browser = await launchChromium(['--use-fake-device-for-media-stream=device-count=3']);
  stack = await startStack({ ...engine.stackEnv, WARM_ROOMS: '1', MAX_ROOMS: '10', RECONCILE_INTERVAL_SECONDS: '1' });
});
afterAll(async () => {
  await Promise.all(crowd.map((p) => p.close()));
  await browser?.close();
  await stack?.stop();
});

describe(`the call screen (${engine.name})`, () => {
  it('landing and pre-join: preview, live microphone meter, pickers showing the devices in use, remembered choices; axe finds nothing serious', async () => {
    aliceContext = await newContext(browser, stack.url);
    const landing = await aliceContext.newPage();
    await landing.addInitScript(() => localStorage.setItem('video-rooms.displayName', 'Alice'));
    await landing.goto(stack.url);
    await landing.getByRole('heading', { name: 'Video rooms' }).waitFor();
    expect(await axeViolations(landing)).toEqual([]);

    await landing.goto(`${stack.url}/${ROOM}`);
    const prejoin = landing.getByTestId('prejoin');
    await prejoin.waitFor();
    // the camera preview plays, the meter moves with the (fake, beeping) microphone
    await waitForPreview(landing, 20_000);
    await landing.waitForFunction(() => Number(document.querySelector('[data-testid="mic-meter"]')?.getAttribute('aria-valuenow')) > 20, undefined, { timeout: 20_000 });
    // each picker shows the device the preview uses, not "Choose…"
    const inUse = await landing.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('[data-testid="preview"]')!.srcObject as MediaStream;
      return { video: stream.getVideoTracks()[0]!.getSettings().deviceId, audio: stream.getAudioTracks()[0]!.getSettings().deviceId };
    });
    expect(await landing.getByTestId('picker-videoinput').inputValue()).toBe(inUse.video);
    expect(await landing.getByTestId('picker-audioinput').inputValue()).toBe(inUse.audio);
    expect(await landing.getByTestId('picker-audiooutput').count()).toBe(1);
    await shot(landing, 'prejoin');
    expect(await axeViolations(landing)).toEqual([]);

    // another microphone and the second camera, then camera off: the choices stay for the next visit
    const mics = await landing.getByTestId('picker-audioinput').locator('option:not([disabled])').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const cams = await landing.getByTestId('picker-videoinput').locator('option:not([disabled])').evaluateAll((os) => os.map((o) => ({ id: (o as HTMLOptionElement).value, label: o.textContent })));
    expect(mics.length).toBeGreaterThanOrEqual(2);
    expect(cams.length).toBe(3);
    const otherMic = mics.find((m) => m !== inUse.audio)!;
    // fake_device_1 is a depth camera (Y16) that Chromium's encoder sends nothing of: the MJPEG one, fake_device_2
    const otherCam = cams.find((c) => c.label === 'fake_device_2')!.id;
    await landing.getByTestId('picker-audioinput').selectOption(otherMic);
    await landing.getByTestId('picker-videoinput').selectOption(otherCam);
    await landing.waitForFunction(
      ({ mic, cam }) => {
        const stream = document.querySelector<HTMLVideoElement>('[data-testid="preview"]')!.srcObject as MediaStream;
        return stream.getAudioTracks()[0]?.getSettings().deviceId === mic && stream.getVideoTracks()[0]?.getSettings().deviceId === cam;
      },
      { mic: otherMic, cam: otherCam },
    );
    expect(await landing.getByTestId('picker-audioinput').inputValue()).toBe(otherMic);
    await landing.getByTestId('prejoin-camera').click();
    await landing.getByTestId('preview-off').waitFor();
    await landing.close();

    const again = await aliceContext.newPage();
    await again.goto(`${stack.url}/${ROOM}`);
    await again.getByTestId('prejoin').waitFor();
    // the devices are remembered at once; camera off only once one joins with it
    await again.waitForFunction((mic) => (document.querySelector<HTMLVideoElement>('[data-testid="preview"]')?.srcObject as MediaStream | null)?.getAudioTracks()[0]?.getSettings().deviceId === mic, otherMic);
    expect(await again.getByTestId('picker-audioinput').inputValue()).toBe(otherMic);
    expect(await again.getByTestId('picker-videoinput').inputValue()).toBe(otherCam);
    expect(await again.getByTestId('prejoin-camera').getAttribute('aria-pressed')).toBe('false');
    await again.close();
  });

  it('joins with the camera off as chosen; one person: one\'s own view fills the stage; axe on the call finds nothing serious', async () => {
    alice = await aliceContext.newPage();
    await recordPeerConnections(alice);
    await alice.goto(`${stack.url}/${ROOM}`);
    await alice.getByTestId('prejoin-camera').click();
    expect(await alice.getByTestId('prejoin-camera').getAttribute('aria-pressed')).toBe('true');
    await alice.getByTestId('join-now').click();
    await alice.getByTestId('tile-camera-self').getByTestId('badge-camera-off').waitFor({ timeout: 90_000 });
    aliceId = await selfId(alice);
    // camera off was remembered with the join; the devices chosen before are the ones in use
    expect(await alice.evaluate(() => JSON.parse(localStorage.getItem('video-rooms.devices')!).joinVideoOff)).toBe(true);
    await devicesPanel(alice, true);
    const devices = await alice.evaluate(() => JSON.parse(localStorage.getItem('video-rooms.devices')!) as { audioInputId: string; videoInputId: string });
    expect(await alice.getByTestId('picker-audioinput').inputValue()).toBe(devices.audioInputId);
    expect(await alice.getByTestId('picker-videoinput').inputValue()).toBe(devices.videoInputId);
    expect((await sentAudio(alice)).deviceId).toBe(devices.audioInputId);
    await alice.getByRole('button', { name: 'Turn camera on (v)' }).click();
    await alice.getByTestId('tile-camera-self').getByTestId('badge-camera-off').waitFor({ state: 'detached' });
    await devicesPanel(alice, false);

    await waitForTiles(alice, 1);
    const { stage, tiles } = await geometry(alice);
    expect(coverage(stage, tiles)).toBeGreaterThan(0.7);
    await shot(alice, '1-person');
    expect(await axeViolations(alice)).toEqual([]);
  });

  it('two people: the other fills the stage, one\'s own view is small in a corner and moves out of the way; join notice; speaking ring', async () => {
    const bobContext = await newContext(browser, stack.url);
    const bobJoined = noticeSeen(alice, 'Bob joined');
    bob = await openRoomPage(bobContext, `${stack.url}/${ROOM}`, 'Bob');
    await bob.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
    bobId = await selfId(bob);
    await bobJoined;
    await expectPlaying(alice, bobId);
    await expectPlaying(bob, aliceId);
    await waitForTiles(alice, 2);

    const { stage, tiles } = await geometry(alice);
    const other = tiles.find((t) => t.testId === `tile-camera-${bobId}`)!;
    const own = tiles.find((t) => t.testId === 'tile-camera-self')!;
    expect(own.role).toBe('pip');
    expect(coverage(stage, [other])).toBeGreaterThan(0.6);
    expect(own.width * own.height).toBeLessThan((other.width * other.height) / 4);
    expectNoOverlap(stage, [other]);
    // its corner: bottom right, then (its button) top right
    expect(own.x + own.width).toBeGreaterThan(stage.x + stage.width / 2);
    expect(own.y).toBeGreaterThan(stage.y + stage.height / 2);
    await alice.getByTestId('move-self').click();
    const moved = (await geometry(alice)).tiles.find((t) => t.testId === 'tile-camera-self')!;
    expect(moved.x + moved.width).toBeGreaterThan(stage.x + stage.width / 2);
    expect(moved.y + moved.height).toBeLessThan(stage.y + stage.height / 2);

    // Bob's fake microphone beeps: his tile rings on Alice's screen, his own on his
    await alice.locator(`[data-testid="tile-camera-${bobId}"][data-speaking="true"]`).waitFor({ timeout: 20_000 });
    await bob.locator('[data-testid="tile-camera-self"][data-speaking="true"]').waitFor({ timeout: 20_000 });
    await shot(alice, '2-people');
  });

  it('marks, raised hands (kept in the room\'s state), the people panel, chat\'s unread count', async () => {
    // Bob mutes and raises his hand from the keyboard
    await bob.keyboard.press('m');
    await bob.keyboard.press('h');
    const bobTile = alice.getByTestId(`tile-camera-${bobId}`);
    await bobTile.getByTestId('badge-muted').waitFor({ timeout: 10_000 });
    await bobTile.getByTestId('badge-hand').waitFor({ timeout: 10_000 });
    expect(await bobTile.getAttribute('data-speaking')).toBe('false'); // muted: no ring
    await alice.getByTestId('people-button').click();
    const panel = alice.getByTestId('people-panel');
    await panel.getByTestId(`person-${bobId}`).getByTestId('person-hand').waitFor();
    await panel.getByTestId(`person-${bobId}`).getByTestId('person-muted').waitFor();
    await expectText(panel, '1 hand raised');
    expect(await alice.getByRole('button', { name: /^People 2\W+1 hand raised$/ }).getAttribute('aria-expanded')).toBe('true');
    // raised hands come first
    expect(await panel.locator('li').first().getAttribute('data-testid')).toBe(`person-${bobId}`);
    await shot(alice, 'people-panel');

    // chat: with the panel closed, messages count as unread until it opens
    // Bob's window is wide: his chat is open from the start
    await bob.getByLabel('Chat message').fill('first');
    await bob.getByRole('button', { name: 'Send' }).click();
    await bob.getByLabel('Chat message').fill('second');
    await bob.getByRole('button', { name: 'Send' }).click();
    await expectText(alice.getByTestId('chat-unread'), '2', 10_000);
    expect(await alice.getByRole('button', { name: /^Chat\W+2\W+unread$/ }).getAttribute('aria-expanded')).toBe('false');
    await alice.getByTestId('chat-button').click();
    await expectText(alice.getByTestId('chat-lines'), 'second');
    await alice.getByTestId('chat-unread').waitFor({ state: 'detached' });

    // Alice leaves and comes back: Bob's hand and mute come from the room's state
    const aliceLeft = noticeSeen(bob, 'Alice left');
    await alice.getByRole('button', { name: 'Leave the call' }).click();
    await aliceLeft;
    await alice.getByRole('button', { name: 'Rejoin' }).click();
    await alice.getByTestId(`tile-camera-${bobId}`).getByTestId('badge-hand').waitFor({ timeout: 60_000 });
    await alice.getByTestId(`tile-camera-${bobId}`).getByTestId('badge-muted').waitFor();
    aliceId = await selfId(alice);
    await bob.keyboard.press('h');
    await bob.keyboard.press('m');
    await alice.getByTestId(`tile-camera-${bobId}`).getByTestId('badge-hand').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('devices in the call: switching the microphone replaces the track in place; an unplugged one falls back with a notice', async () => {
    await devicesPanel(alice, true);
    const picker = alice.getByTestId('picker-audioinput');
    const before = await sentAudio(alice);
    // another microphone to choose, once the picker lists them
    const next = (await alice.waitForFunction(
      (inUse) => Array.from(document.querySelectorAll<HTMLOptionElement>('[data-testid="picker-audioinput"] option:not([disabled])')).map((o) => o.value).find((id) => id !== inUse),
      before.deviceId,
    ).then((h) => h.jsonValue())) as string;
    await picker.selectOption(next);
    await alice.waitForFunction(
      (id) => {
        const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
        return pcs.some((pc) => pc.getSenders().some((s) => s.track?.kind === 'audio' && s.track.getSettings().deviceId === id));
      },
      next,
    );
    const after = await sentAudio(alice);
    expect(after.sdp).toBe(before.sdp); // replaceTrack: no new offer
    expect(await picker.inputValue()).toBe(next);

    // the microphone goes away (unplugged): the default one takes over, and the page says so
    await alice.evaluate(() => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
      const track = pcs.flatMap((pc) => pc.getSenders()).find((s) => s.track?.kind === 'audio')!.track!;
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await expectText(alice.getByTestId('notice'), /was disconnected: now using/, 10_000);
    const fallback = await sentAudio(alice);
    expect(fallback.readyState).toBe('live');
    expect(fallback.sdp).toBe(before.sdp);
    expect(await picker.inputValue()).toBe(fallback.deviceId);
    // the new microphone's audio goes out on the same sender
    const sent = async () => (await outboundStats(alice)).audioPackets;
    const first = await sent();
    await alice.waitForFunction(() => new Promise((r) => setTimeout(() => r(true), 1000)));
    expect(await sent()).toBeGreaterThan(first);
    await alice.getByRole('button', { name: 'Dismiss' }).click();
    await devicesPanel(alice, false);
  });

  it('a shared screen takes the stage with the cameras in a strip; the speaker view shows the one speaking large', async () => {
    await bob.getByRole('button', { name: 'Share your screen' }).click();
    await waitForTiles(alice, 3, 'screen');
    await alice.waitForFunction((id) => (document.querySelector<HTMLVideoElement>(`[data-testid="tile-screen-${id}"] video`)?.videoWidth ?? 0) > 0, bobId, { timeout: 20_000 });
    const { stage, tiles } = await geometry(alice);
    const screen = tiles.find((t) => t.testId === `tile-screen-${bobId}`)!;
    expect(screen.role).toBe('main');
    const strip = tiles.filter((t) => t !== screen);
    expect(strip.map((t) => t.role)).toEqual(['strip', 'strip']);
    for (const t of strip) expect(t.width * t.height).toBeLessThan((screen.width * screen.height) / 4);
    expectNoOverlap(stage, tiles);
    await shot(alice, 'screen-share');
    // the layout's sizes went to the session for layer selection: the screen large, the camera small
    await alice.waitForFunction(
      (id) => {
        const views = (window as unknown as { __callSession: { videoViews: { peerId: string; source: string; width: number; visible: boolean }[] } }).__callSession.videoViews;
        const screen = views.find((v) => v.peerId === id && v.source === 'screen');
        const camera = views.find((v) => v.peerId === id && v.source === 'camera');
        return !!screen?.visible && !!camera?.visible && screen.width > camera.width * 2;
      },
      bobId,
      { timeout: 10_000 },
    );
    await bob.getByRole('button', { name: 'Stop sharing your screen' }).click();
    await waitForTiles(alice, 2);

    // a third person who does not speak (a werift participant) joins: the speaker view shows Bob
    const wJoined = noticeSeen(alice, 'Werift 1 joined');
    await joinCrowd(1);
    await wJoined;
    await waitForTiles(alice, 3);
    await alice.getByTestId('layout-button').click();
    await alice.locator(`[data-testid="tile-camera-${bobId}"][data-role="main"]`).waitFor({ timeout: 20_000 });
    const speaker = await geometry(alice);
    expect(speaker.stage.width).toBeGreaterThan(0);
    expectNoOverlap(speaker.stage, speaker.tiles);
    // the layout puts the first remote in the middle without a dominant speaker too: wait for the session to name Bob
    await alice.waitForFunction(
      (id) => (window as unknown as { __callSession: { snapshot(): { dominantSpeakerId?: string } } }).__callSession.snapshot().dominantSpeakerId === id,
      bobId,
      { timeout: 10_000 },
    );
    await shot(alice, 'speaker-view');
    await alice.getByTestId('layout-button').click();
  });

  it('4 people: a grid that covers most of the stage, no overlaps; quality bars from the stats; leave notice', async () => {
    await joinCrowd(1);
    await waitForTiles(alice, 4);
    // the layout settles once the video sizes are known
    await alice.waitForFunction(() => document.querySelectorAll('[data-testid="stage"] [data-testid="quality"]').length >= 3, undefined, { timeout: 60_000 });
    const { stage, tiles } = await geometry(alice);
    expectNoOverlap(stage, tiles);
    const covered = coverage(stage, tiles);
    console.warn(`callScreen: 4 people cover ${(covered * 100).toFixed(1)}% of a ${stage.width}x${stage.height} stage`);
    expect(covered).toBeGreaterThanOrEqual(0.7);
    expect(tiles.every((t) => t.role === 'grid')).toBe(true);
    await shot(alice, '4-people');

    const leaving = crowd.pop()!;
    const wLeft = noticeSeen(alice, 'Werift 2 left');
    await leaving.close();
    await wLeft;
    await waitForTiles(alice, 3);
  });

  it('9 people: still one grid, no overlaps', async () => {
    await joinCrowd(6);
    await waitForTiles(alice, 9);
    const { stage, tiles } = await geometry(alice);
    expectNoOverlap(stage, tiles);
    console.warn(`callScreen: 9 people cover ${(coverage(stage, tiles) * 100).toFixed(1)}% of the stage`);
    expect(coverage(stage, tiles)).toBeGreaterThanOrEqual(0.6);
    await shot(alice, '9-people');
    // the layout reports its views once they settle (Stage's REPORT_DELAY_MS after the last change): all 8 remote cameras seen
    await alice.waitForFunction(
      () => (window as unknown as { __callSession: { videoViews: { visible: boolean }[] } }).__callSession.videoViews.filter((v) => v.visible).length === 8,
      undefined,
      { timeout: 10_000 },
    );
  });

  it('keyboard: every control has a name and Tab reaches it', async () => {
    const controls = await alice.evaluate(() => {
      const all = Array.from(document.querySelectorAll<HTMLElement>('button, select, input, [tabindex]:not([tabindex="-1"])')).filter((el) => el.offsetParent !== null && !(el as HTMLButtonElement).disabled);
      return all.map((el, i) => {
        el.dataset.kbd = String(i);
        const labelled = el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) || el.closest('label')?.textContent || el.textContent;
        return { i, name: (labelled ?? '').trim(), tag: el.tagName };
      });
    });
    expect(controls.length).toBeGreaterThan(8);
    for (const c of controls) expect(c.name, `${c.tag} #${c.i} has a name`).not.toBe('');
    await alice.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reached = new Set<string>();
    for (let i = 0; i < controls.length + 5; i++) {
      await alice.keyboard.press('Tab');
      const at = await alice.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.kbd);
      if (at !== undefined) reached.add(at);
    }
    expect(controls.filter((c) => !reached.has(String(c.i))).map((c) => c.name)).toEqual([]);
    // and they work from it: Enter on "Raise your hand"
    await alice.getByTestId('raise-hand').focus();
    await alice.keyboard.press('Enter');
    await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-hand').waitFor({ timeout: 10_000 });
    await alice.keyboard.press('Enter');
  });

  it('phone size (390x844): nothing cut off, controls in the viewport, one or two columns; the pre-join screen fits too', async () => {
    await alice.setViewportSize({ width: 390, height: 844 });
    await waitForTiles(alice, 9);
    // the stage narrows at once; its tiles follow at its ResizeObserver's next callback
    await alice.waitForFunction(
      () => {
        const stage = document.querySelector('[data-testid="stage"]')!.getBoundingClientRect();
        return Array.from(document.querySelectorAll('[data-testid="stage"] .tile')).every((el) => el.getBoundingClientRect().right <= stage.right + 1);
      },
      undefined,
      { timeout: 10_000 },
    );
    const fits = async (page: Page) =>
      page.evaluate(() => {
        const out: string[] = [];
        if (document.documentElement.scrollWidth > innerWidth) out.push(`page scrolls sideways (${document.documentElement.scrollWidth})`);
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('button, select, input, h1, [data-testid="stage"]'))) {
          if (el.offsetParent === null) continue;
          const r = el.getBoundingClientRect();
          if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) out.push(`${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName} at ${r.left},${r.top},${r.right},${r.bottom}`);
        }
        return out;
      });
    expect(await fits(alice)).toEqual([]);
    const { stage, tiles } = await geometry(alice);
    expectNoOverlap(stage, tiles);
    // one or two columns: no row holds more than two tiles
    const rows = new Map<number, number>();
    for (const t of tiles) rows.set(Math.round(t.y), (rows.get(Math.round(t.y)) ?? 0) + 1);
    expect(Math.max(...rows.values())).toBeLessThanOrEqual(2);
    await shot(alice, 'phone');
    // the controls under "More" fit as well
    await alice.getByRole('button', { name: 'More controls' }).click();
    expect(await fits(alice)).toEqual([]);
    await devicesPanel(alice, true);
    expect(await fits(alice)).toEqual([]);
    await shot(alice, 'phone-devices');
    await alice.getByRole('button', { name: 'Close the devices panel' }).click();

    const phone = await aliceContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${stack.url}/${ROOM}`);
    await phone.getByTestId('prejoin').waitFor();
    await phone.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="preview"]')?.videoWidth ?? 0) > 0 || !!document.querySelector('[data-testid="preview-off"]'));
    expect(await fits(phone)).toEqual([]);
    await shot(phone, 'phone-prejoin');
    expect(await axeViolations(phone)).toEqual([]);
    await phone.close();
  });
});
