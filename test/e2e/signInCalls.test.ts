/**
 * Sign-in and call URLs in headless Chromium against the full local stack (werift SFU tasks) and a
 * real OpenID Connect provider on loopback (`oidc-provider`, its own login and consent pages): Bob signs
 * in, stays reachable while his token is renewed, makes a call link; Alice opens it in a second browser
 * and calls; Bob accepts and both see and hear each other. Then a declined call, a missed one (listed
 * on Bob's page), a revoked link, and signing out. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPlaying, expectText, launchChromium, newContext, openRoomPage, selfId } from '../helpers/browser.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { startOidcProvider, type TestOidcProvider, WEB_CLIENT_ID } from '../helpers/oidcProvider.ts';
import { SFU_TASK } from '../sfu/availableEngines.ts';

const ARTIFACTS = 'test-artifacts';
/** Unanswered calls are missed after this long here (60 s by default). */
const RING_SECONDS = 20;
let provider: TestOidcProvider;
let stack: TestStack;
let bobBrowser: Browser;
let aliceBrowser: Browser;
let bobContext: BrowserContext;
let bob: Page;
let alice: Page;
let callUrl: string;

/** The ID token oidc-client-ts keeps for the tab (what the page calls the API with). */
const storedIdToken = (page: Page) =>
  page.evaluate((key) => (JSON.parse(sessionStorage.getItem(key) ?? 'null') as { id_token?: string } | null)?.id_token, `oidc.user:${provider.issuer}:${WEB_CLIENT_ID}`);

const tokenClaims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; name: string; org: string; exp: number; iat: number };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // tokens that live 70 s: the client renews them 60 s before they expire, i.e. soon after sign-in
  provider = await startOidcProvider({ tokenSeconds: 70, names: { bob: 'Bob Example' } });
  stack = await startStack({
    ...provider.env,
    SFU_TASK_COMMAND: SFU_TASK,
    WARM_ROOMS: '1',
    MAX_ROOMS: '10',
    RECONCILE_INTERVAL_SECONDS: '1',
    CALL_RING_SECONDS: String(RING_SECONDS),
  });
  expect(stack.url).toBe(provider.siteUrl);
  [bobBrowser, aliceBrowser] = await Promise.all([launchChromium(), launchChromium()]);
  bobContext = await newContext(bobBrowser, stack.url);
}, 120_000);

afterAll(async () => {
  await Promise.all([bobBrowser?.close(), aliceBrowser?.close()]);
  await stack?.stop();
  await provider?.close();
});

describe('signed in with the organisation\'s OpenID Connect provider', () => {
  it('signs in on the provider\'s own login and consent pages and comes back signed in and reachable', async () => {
    bob = await openRoomPage(bobContext, `${stack.url}/`, 'Bob');
    await bob.getByTestId('sign-in').click();
    // the provider's pages
    await bob.waitForURL((url) => url.origin === provider.issuer, { timeout: 20_000 });
    await bob.locator('input[name="login"]').fill('bob');
    await bob.locator('input[name="password"]').fill('any password');
    await bob.screenshot({ path: `${ARTIFACTS}/sign-in-provider.png` });
    await bob.getByRole('button', { name: 'Sign-in' }).click();
    await bob.getByRole('button', { name: 'Continue' }).click(); // consent to openid, profile, org
    await bob.waitForURL(`${stack.url}/`, { timeout: 20_000 });
    await expectText(bob.getByTestId('incoming-events'), 'Signed in as Bob Example · reachable', 30_000);
    const token = await storedIdToken(bob);
    expect(token).toBeDefined();
    expect(tokenClaims(token!)).toMatchObject({ sub: 'bob', name: 'Bob Example', org: 'acme' });
    // nothing of the sign-in stays in the address bar
    expect(bob.url()).toBe(`${stack.url}/`);
  });

  it('renews the token before it expires, without leaving the page, and stays reachable', async () => {
    const first = (await storedIdToken(bob))!;
    await bob.waitForFunction(
      ([key, old]) => {
        const user = JSON.parse(sessionStorage.getItem(key!) ?? 'null') as { id_token?: string } | null;
        return !!user?.id_token && user.id_token !== old;
      },
      [`oidc.user:${provider.issuer}:${WEB_CLIENT_ID}`, first] as const,
      { timeout: 60_000 },
    );
    const renewed = (await storedIdToken(bob))!;
    expect(tokenClaims(renewed).exp).toBeGreaterThan(tokenClaims(first).exp);
    expect(tokenClaims(renewed).sub).toBe('bob');
    expect(bob.url()).toBe(`${stack.url}/`);
    await expectText(bob.getByTestId('incoming-events'), 'Signed in as Bob Example · reachable');
  });

  it('makes a call link for Alice; Alice calls it from another browser; Bob accepts and they see and hear each other', async () => {
    await bob.getByLabel('For', { exact: true }).fill('alice@example.com');
    await bob.getByRole('button', { name: 'Make a call link' }).click();
    callUrl = await bob.getByTestId('new-call-url').inputValue({ timeout: 10_000 });
    expect(callUrl).toMatch(new RegExp(`^${stack.url}/c/[A-Za-z0-9_-]{16}$`));
    await expectText(bob.getByTestId('call-url-list'), 'alice@example.com');

    const aliceContext = await newContext(aliceBrowser, stack.url);
    alice = await openRoomPage(aliceContext, callUrl, 'Alice');
    await alice.getByRole('heading', { name: 'Call Bob Example' }).waitFor({ timeout: 20_000 });
    await alice.screenshot({ path: `${ARTIFACTS}/call-url-page.png` });
    await alice.getByRole('button', { name: 'Call Bob Example' }).click();
    await expectText(alice.getByTestId('call-status'), 'Ringing Bob Example…', 60_000);

    const ringing = bob.getByTestId('incoming-call');
    await expectText(ringing, 'Alice is calling you (link for alice@example.com)', 20_000);
    await bob.screenshot({ path: `${ARTIFACTS}/call-ringing-owner.png` });
    await ringing.getByRole('button', { name: 'Accept' }).click();
    await bob.getByTestId('tile-camera-self').waitFor({ timeout: 60_000 });
    expect(new URL(bob.url()).pathname).toMatch(/^\/call-[A-Za-z0-9_-]{16}$/);
    await expectText(bob.locator('header h1'), 'Call with Alice');

    const [bobId, aliceId] = await Promise.all([selfId(bob), selfId(alice)]);
    await expectPlaying(bob, aliceId);
    await expectPlaying(alice, bobId);
    // answered: Alice's page stops saying it rings
    await alice.getByTestId('call-status').waitFor({ state: 'detached', timeout: 10_000 });
    await alice.screenshot({ path: `${ARTIFACTS}/call-connected-caller.png` });

    await bob.getByRole('button', { name: 'Leave the call' }).click();
    await alice.getByTestId(`tile-camera-${bobId}`).waitFor({ state: 'detached', timeout: 10_000 });
    await alice.getByRole('button', { name: 'Leave the call' }).click();
    await expectText(alice.getByTestId('call-status'), 'The call has ended');
  });

  it('a declined call: Alice is told', async () => {
    await bob.goto(`${stack.url}/`);
    await expectText(bob.getByTestId('incoming-events'), 'reachable', 30_000);
    await alice.getByRole('button', { name: 'Call Bob Example again' }).click();
    await expectText(alice.getByTestId('call-status'), 'Ringing Bob Example…', 60_000);
    const ringing = bob.getByTestId('incoming-call');
    await ringing.getByRole('button', { name: 'Decline' }).click({ timeout: 20_000 });
    await expectText(alice.getByTestId('call-status'), 'Bob Example declined the call', 20_000);
    await alice.screenshot({ path: `${ARTIFACTS}/call-declined.png` });
    await ringing.waitFor({ state: 'detached' });
  });

  it('an unanswered call is missed: Alice is told, Bob stops ringing and sees it in his missed calls', async () => {
    await alice.getByRole('button', { name: 'Call Bob Example again' }).click();
    await expectText(alice.getByTestId('call-status'), 'Ringing Bob Example…', 60_000);
    await bob.getByTestId('incoming-call').waitFor({ timeout: 20_000 });
    await expectText(alice.getByTestId('call-status'), 'Bob Example did not answer', (RING_SECONDS + 30) * 1000);
    await bob.getByTestId('incoming-call').waitFor({ state: 'detached', timeout: 10_000 });
    await expectText(bob.getByTestId('missed-calls'), 'Alice (link for alice@example.com)', 20_000);
    await bob.screenshot({ path: `${ARTIFACTS}/missed-calls.png` });
  });

  it('a revoked link calls no more', async () => {
    await bob.getByRole('button', { name: 'Revoke the call link for alice@example.com' }).click();
    await bob.getByTestId('call-url-list').waitFor({ state: 'detached', timeout: 10_000 });
    await alice.goto(callUrl);
    await expectText(alice.getByRole('alert'), 'Bob Example has revoked this call link.', 20_000);
    await alice.context().close();
  });

  it('signs out at the provider and is no longer reachable', async () => {
    await bob.getByRole('button', { name: 'Sign out' }).click();
    // the provider asks to confirm (its own page), then sends the browser back to the site
    await bob.waitForURL((url) => url.origin === provider.issuer, { timeout: 20_000 });
    await bob.getByRole('button', { name: /Yes/i }).click();
    await bob.waitForURL(`${stack.url}/`, { timeout: 20_000 });
    await bob.getByTestId('sign-in').waitFor({ timeout: 20_000 });
    expect(await storedIdToken(bob)).toBeUndefined();
    expect(await bob.getByTestId('incoming-events').count()).toBe(0);
    await bobContext.close();
  });
});
