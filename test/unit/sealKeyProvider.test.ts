/** The seal key of stored masked events: configured, derived from KMS once per process, or none. */
import type { KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { sealKeyProvider } from '../../lambdas/core/endpoints/sealKeyProvider.ts';

function fakeKms(answers: (() => Promise<unknown>)[]) {
  const calls: unknown[] = [];
  const kms = {
    send: (command: { input: unknown }) => {
      calls.push(command.input);
      return answers.shift()!();
    },
  } as unknown as KMSClient;
  return { kms, calls };
}

describe('sealKeyProvider', () => {
  it('uses a configured key as is, and has none without key or KMS key id', async () => {
    const key = Buffer.alloc(32, 7);
    expect(await sealKeyProvider(key, 'arn:kms', () => fakeKms([]).kms)()).toBe(key);
    expect(await sealKeyProvider(undefined, undefined, () => fakeKms([]).kms)()).toBeUndefined();
  });

  it('asks KMS for the MAC of a fixed label once, and again only after a failure', async () => {
    const mac = Buffer.alloc(32, 9);
    const { kms, calls } = fakeKms([() => Promise.reject(new Error('throttled')), () => Promise.resolve({ Mac: new Uint8Array(mac) })]);
    const provider = sealKeyProvider(undefined, 'arn:aws:kms:eu-west-1:1:key/seal', () => kms);
    await expect(provider()).rejects.toThrow('throttled');
    expect(await provider()).toEqual(mac);
    expect(await provider()).toEqual(mac);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ KeyId: 'arn:aws:kms:eu-west-1:1:key/seal', MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('video-rooms/event-seal/v1') });
  });

  it('refuses a MAC that is not 32 bytes', async () => {
    const { kms } = fakeKms([() => Promise.resolve({ Mac: new Uint8Array(16) })]);
    await expect(sealKeyProvider(undefined, 'k', () => kms)()).rejects.toThrow(/32-byte/);
  });
});
