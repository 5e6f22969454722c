/** Event masks (JSONPath, same-length `*`s on a copy) and the sealing of masked events' originals. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../lambdas/core/endpoints/eventSeal.ts';
import { InvalidMaskError, maskCopy } from '../../lambdas/core/endpoints/masking.ts';

const event = {
  type: 'CallingEvent',
  timestamp: '2026-01-01T00:00:00Z',
  caller: { name: 'Ada', phone: '+30 210 123' },
  guests: [{ email: 'a@x.io' }, { email: 'bé@y.io' }, { email: 7 }],
};

describe('maskCopy', () => {
  it('replaces the matched strings with as many `*`s, on a copy only', () => {
    const { masked, replaced } = maskCopy(event, ['$.caller.phone', '$.guests[*].email']);
    expect(masked.caller.phone).toBe('***********');
    expect(masked.guests.map((g) => g.email)).toEqual(['******', '*******', 7]);
    expect(masked.caller.name).toBe('Ada');
    expect(replaced).toBe(3);
    expect(event.caller.phone).toBe('+30 210 123'); // the original is untouched
    expect(event.guests[0]?.email).toBe('a@x.io');
  });

  it('masks nothing for paths that match nothing, or match non-strings', () => {
    const { masked, replaced } = maskCopy(event, ['$.nope', '$.guests[2].email', '$.caller']);
    expect(replaced).toBe(0);
    expect(masked).toEqual(event);
  });

  it('masks recursively with ..', () => {
    const { masked } = maskCopy({ a: { secret: 'xy', b: [{ secret: 'abc' }] } }, ['$..secret']);
    expect(masked).toEqual({ a: { secret: '**', b: [{ secret: '***' }] } });
  });

  it('refuses expressions that are not JSONPath or would evaluate script', () => {
    expect(() => maskCopy(event, ['caller.phone'])).toThrow(InvalidMaskError);
    let error: unknown;
    try {
      maskCopy(event, ['$.caller', '$.guests[?(@.email)]']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidMaskError);
    expect((error as InvalidMaskError).index).toBe(1);
  });
});

describe('seal', () => {
  it('round-trips, and fails for another event id or key', () => {
    const key = randomBytes(32);
    const sealed = seal(key, JSON.stringify(event), 'evt-1');
    expect(sealed).not.toContain('Ada');
    expect(JSON.parse(unseal(key, sealed, 'evt-1'))).toEqual(event);
    expect(() => unseal(key, sealed, 'evt-2')).toThrow();
    expect(() => unseal(randomBytes(32), sealed, 'evt-1')).toThrow();
  });
});
