/** Client secrets at rest: scrypt hashes that verify the right secret only, salted per hash. */
import { describe, expect, it } from 'vitest';
import { DECOY_HASH, hashSecret, verifySecret } from '../../lambdas/core/auth/secretHash.ts';
import { knownScopes } from '../../lambdas/core/tokens/tokenVerifier.ts';

describe('secret hashes', () => {
  it('verify the secret they were made from, and nothing else', async () => {
    const hash = await hashSecret('s3cret');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifySecret('s3cret', hash)).toBe(true);
    expect(await verifySecret('s3cret ', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
    // a new salt each time
    expect(await hashSecret('s3cret')).not.toBe(hash);
  });

  it('never match a malformed hash or the decoy', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$AAAA$BBBB', 'bcrypt$10$abc', DECOY_HASH]) {
      expect(await verifySecret('anything', stored), stored).toBe(false);
    }
  });
});

describe('scope claims', () => {
  it('keep only the known scopes, from a space-separated string or a list', () => {
    expect(knownScopes('openid rooms:admin profile events:send')).toEqual(['rooms:admin', 'events:send']);
    expect(knownScopes(['rooms:create', 'admin'])).toEqual(['rooms:create']);
    expect(knownScopes(undefined)).toEqual([]);
  });
});
