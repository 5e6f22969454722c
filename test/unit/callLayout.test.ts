/** The call screen's pure parts: the grid fit, the stage layouts, who speaks, connection quality. */
import { describe, expect, it } from 'vitest';
import { SpeakerDetector } from '../../web/src/call/speakerDetector.ts';
import { linkQuality } from '../../web/src/media/linkQuality.ts';
import { type LayoutInput, type LayoutTile, layoutStage, type Placed } from '../../web/src/ui/layout/stageLayout.ts';
import { commonAspect, fitGrid, pageOf } from '../../web/src/ui/layout/tileGrid.ts';

const cam = (id: string, self = false): LayoutTile => ({ key: self ? 'self' : id, peerId: id, kind: 'camera', self });
const people = (n: number) => [cam('me', true), ...Array.from({ length: n - 1 }, (_, i) => cam(`p${i + 1}`))];
const input = (over: Partial<LayoutInput>): LayoutInput => ({
  cameras: people(4),
  screens: [],
  mode: 'grid',
  dominant: undefined,
  width: 1000,
  height: 700,
  aspect: 4 / 3,
  screenAspect: 16 / 9,
  page: 0,
  selfCorner: 'bottom-right',
  ...over,
});
const area = (p: Placed[]) => p.reduce((s, t) => s + t.width * t.height, 0);
const overlaps = (a: Placed, b: Placed) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
function expectInsideAndApart(placed: Placed[], width: number, height: number) {
  for (const [i, a] of placed.entries()) {
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.y).toBeGreaterThanOrEqual(0);
    expect(a.x + a.width).toBeLessThanOrEqual(width);
    expect(a.y + a.height).toBeLessThanOrEqual(height);
    for (const b of placed.slice(i + 1)) if (a.role !== 'pip' && b.role !== 'pip') expect(overlaps(a, b), `${a.key} / ${b.key}`).toBe(false);
  }
}

describe('fitGrid', () => {
  it('picks the column count with the largest tiles, at the aspect ratio', () => {
    expect(fitGrid(4, 1000, 700, 4 / 3)).toMatchObject({ columns: 2, rows: 2 });
    expect(fitGrid(3, 1600, 500, 16 / 9)).toMatchObject({ columns: 3, rows: 1 });
    expect(fitGrid(9, 374, 600, 4 / 3).columns).toBe(2); // a phone: two columns
    const g = fitGrid(6, 1200, 700, 16 / 9);
    expect(g.width / g.height).toBeCloseTo(16 / 9, 1);
    expect(g.columns * (g.width + 8) - 8).toBeLessThanOrEqual(1200);
    expect(g.rows * (g.height + 8) - 8).toBeLessThanOrEqual(700);
  });

  it('pages and the common aspect ratio', () => {
    expect(pageOf([1, 2, 3, 4, 5], 1, 2)).toEqual({ items: [3, 4], page: 1, pages: 3 });
    expect(pageOf([1, 2, 3], 9, 2)).toEqual({ items: [3], page: 1, pages: 2 });
    expect(commonAspect([4 / 3, 16 / 9, 4 / 3])).toBeCloseTo(4 / 3, 2);
    expect(commonAspect([], 1.5)).toBe(1.5);
  });
});

describe('layoutStage', () => {
  it('1 to 16 people: a grid inside the stage with no overlaps, 4 covering most of it', () => {
    for (let n = 1; n <= 16; n++) {
      const l = layoutStage(input({ cameras: people(n) }));
      expect(l.kind).toBe('grid');
      expect(l.placed).toHaveLength(n);
      expectInsideAndApart(l.placed, 1000, 700);
    }
    expect(area(layoutStage(input({})).placed) / (1000 * 700)).toBeGreaterThan(0.7);
  });

  it('two people: the other fills the stage, one\'s own view is small in the chosen corner', () => {
    const l = layoutStage(input({ cameras: people(2), selfCorner: 'top-left' }));
    const [other, self] = l.placed;
    expect(other).toMatchObject({ key: 'p1', role: 'grid', height: 700 });
    expect(self).toMatchObject({ key: 'self', role: 'pip', x: 12, y: 12 });
    expect(self!.width * self!.height).toBeLessThan((other!.width * other!.height) / 4);
  });

  it('beyond 16: pages, one\'s own view on each', () => {
    const l = layoutStage(input({ cameras: people(40), page: 1 }));
    expect(l.pages).toBe(3);
    expect(l.placed).toHaveLength(16);
    expect(l.placed.at(-1)!.key).toBe('self');
    expect(l.hidden).toHaveLength(39 - 15);
  });

  it('speaker view: the dominant speaker large, the rest in a strip; a shared screen wins', () => {
    const l = layoutStage(input({ mode: 'speaker', dominant: 'p2' }));
    expect(l.kind).toBe('speaker');
    expect(l.placed[0]).toMatchObject({ key: 'p2', role: 'main' });
    expect(l.placed.slice(1).every((p) => p.role === 'strip')).toBe(true);
    expectInsideAndApart(l.placed, 1000, 700);
    const s = layoutStage(input({ mode: 'speaker', dominant: 'p2', screens: [{ key: 'p1-screen', peerId: 'p1', kind: 'screen', self: false }] }));
    expect(s.kind).toBe('screen');
    expect(s.placed[0]).toMatchObject({ key: 'p1-screen', role: 'main' });
    expect(s.placed).toHaveLength(5);
    expectInsideAndApart(s.placed, 1000, 700);
  });

  it('a strip too narrow for everyone ends in a "+N" tile', () => {
    const l = layoutStage(input({ cameras: people(12), screens: [{ key: 's', peerId: 'p1', kind: 'screen', self: false }], width: 390, height: 600 }));
    expect(l.more).toBeDefined();
    expect(l.placed.length - 1 + l.more!.count).toBe(12);
    expect(l.more!.x + l.more!.width).toBeLessThanOrEqual(390);
    expectInsideAndApart(l.placed, 390, 600);
  });
});

describe('SpeakerDetector', () => {
  const levels = (entries: Record<string, number>) => new Map(Object.entries(entries));

  it('holds speaking through short pauses, and the dominant speaker until another is louder for long enough', () => {
    const d = new SpeakerDetector({ threshold: 0.01, holdMs: 500, switchAfterMs: 1000, smoothing: 0 });
    expect(d.update(levels({ a: 0.2, b: 0 }), 0)).toEqual({ speaking: new Set(['a']), dominant: 'a' });
    expect(d.update(levels({ a: 0, b: 0 }), 300).speaking).toEqual(new Set(['a'])); // a pause between words
    expect(d.update(levels({ a: 0, b: 0 }), 900).speaking).toEqual(new Set());
    // b speaks louder: a short burst does not take the stage, a sustained one does
    expect(d.update(levels({ a: 0.05, b: 0.3 }), 1000).dominant).toBe('a');
    expect(d.update(levels({ a: 0.05, b: 0 }), 1200).dominant).toBe('a');
    expect(d.update(levels({ a: 0.05, b: 0.3 }), 2000).dominant).toBe('a');
    expect(d.update(levels({ a: 0.05, b: 0.3 }), 2500).dominant).toBe('a');
    expect(d.update(levels({ a: 0.05, b: 0.3 }), 3000).dominant).toBe('b');
    // silence keeps the last speaker; leaving does not
    expect(d.update(levels({ a: 0, b: 0 }), 9000).dominant).toBe('b');
    expect(d.update(levels({ a: 0 }), 9100).dominant).toBeUndefined();
  });
});

describe('linkQuality', () => {
  const r = (packetsReceived: number, packetsLost: number, jitter = 0.005) => ({ packetsReceived, packetsLost, jitter });

  it('rates loss since the last reading, jitter and round trip as bars', () => {
    expect(linkQuality([{ before: r(100, 0), now: r(200, 0) }], 0.02)?.bars).toBe(3);
    expect(linkQuality([{ before: r(100, 0), now: r(197, 3) }], 0.02)?.bars).toBe(2);
    expect(linkQuality([{ before: r(100, 0), now: r(190, 10) }], 0.02)?.bars).toBe(1);
    expect(linkQuality([{ before: r(100, 0), now: r(150, 50) }], 0.02)?.bars).toBe(0);
    expect(linkQuality([{ before: r(100, 0), now: r(200, 0, 0.08) }], 0.02)?.bars).toBe(1);
    expect(linkQuality([{ before: r(100, 0), now: r(200, 0) }], 0.6)?.bars).toBe(1);
    // loss long ago does not count now; nothing arrived: no rating
    expect(linkQuality([{ before: r(100, 50), now: r(200, 50) }], undefined)?.bars).toBe(3);
    expect(linkQuality([{ before: r(100, 0), now: r(100, 0) }], undefined)).toBeUndefined();
  });
});
