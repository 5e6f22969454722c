/**
 * Where each tile goes on the stage, for the three layouts:
 * - grid: everyone as large as fits (layout/tileGrid.ts), 16 to a page; with one other person they
 *   fill the stage and one's own view is a small picture in a corner (which corner: the person's
 *   choice); alone, one's own view fills it;
 * - speaker: the dominant speaker large, everyone else in a strip below;
 * - a shared screen takes the stage whatever the layout, with the cameras in the strip.
 * Tiles that do not fit the strip are counted in a "+N" tile instead. Pure: sizes in, rectangles out.
 */
import { fitGrid, pageOf, TILES_PER_PAGE } from './tileGrid.ts';

export interface LayoutTile {
  key: string;
  peerId: string;
  kind: 'camera' | 'screen';
  self: boolean;
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export type LayoutMode = 'grid' | 'speaker';

export interface LayoutInput {
  /** Camera tiles: one's own (self) and everyone else's, in the order they are to appear. */
  cameras: LayoutTile[];
  /** Shared screens, newest first. */
  screens: LayoutTile[];
  mode: LayoutMode;
  dominant: string | undefined;
  width: number;
  height: number;
  /** Of the cameras' video (width / height), and of the screen shown. */
  aspect: number;
  screenAspect: number;
  page: number;
  selfCorner: Corner;
  gap?: number;
}

export interface Placed {
  key: string;
  x: number;
  y: number;
  width: number;
  height: number;
  role: 'main' | 'grid' | 'strip' | 'pip';
}

export interface StageLayout {
  placed: Placed[];
  /** Tiles not on screen (another page, past the strip). */
  hidden: string[];
  /** The "+N" tile at the end of the strip, if some did not fit. */
  more: { count: number; x: number; y: number; width: number; height: number } | undefined;
  page: number;
  pages: number;
  /** What the stage shows: the grid, or one tile large (a speaker, a screen). */
  kind: 'grid' | 'speaker' | 'screen';
}

const fit = (width: number, height: number, aspect: number) => {
  const w = Math.min(width, height * aspect);
  return { width: Math.floor(w), height: Math.floor(w / aspect) };
};

export function layoutStage(input: LayoutInput): StageLayout {
  const gap = input.gap ?? 8;
  const { width, height, cameras } = input;
  const self = cameras.find((t) => t.self);
  const remotes = cameras.filter((t) => !t.self);
  const screen = input.screens[0];
  if (screen || (input.mode === 'speaker' && remotes.length > 0)) {
    const main = screen ?? remotes.find((t) => t.peerId === input.dominant) ?? remotes[0]!;
    const strip = [...input.screens.filter((t) => t !== main), ...cameras.filter((t) => t !== main)];
    return { ...focus(main, strip, input, gap), kind: screen ? 'screen' : 'speaker' };
  }
  if (remotes.length === 1 && self) {
    const only = remotes[0]!;
    const size = fit(width, height, input.aspect);
    const pipWidth = Math.round(Math.min(240, Math.max(96, width * 0.24)));
    const pipHeight = Math.round(pipWidth / input.aspect);
    const margin = 12;
    const left = input.selfCorner.endsWith('left');
    const top = input.selfCorner.startsWith('top');
    return {
      placed: [
        { key: only.key, x: Math.floor((width - size.width) / 2), y: Math.floor((height - size.height) / 2), ...size, role: 'grid' },
        { key: self.key, x: left ? margin : width - margin - pipWidth, y: top ? margin : height - margin - pipHeight, width: pipWidth, height: pipHeight, role: 'pip' },
      ],
      hidden: [],
      more: undefined,
      page: 0,
      pages: 1,
      kind: 'grid',
    };
  }
  // one's own tile last, on every page
  const others = pageOf(remotes, input.page, self ? TILES_PER_PAGE - 1 : TILES_PER_PAGE);
  const shown = self ? [...others.items, self] : others.items;
  const grid = fitGrid(shown.length, width, height, input.aspect, gap);
  const placed: Placed[] = [];
  const totalHeight = grid.rows * grid.height + (grid.rows - 1) * gap;
  const top = Math.floor((height - totalHeight) / 2);
  shown.forEach((tile, i) => {
    const row = Math.floor(i / grid.columns);
    const inRow = Math.min(grid.columns, shown.length - row * grid.columns);
    const rowWidth = inRow * grid.width + (inRow - 1) * gap;
    const left = Math.floor((width - rowWidth) / 2);
    const column = i - row * grid.columns;
    placed.push({ key: tile.key, x: left + column * (grid.width + gap), y: top + row * (grid.height + gap), width: grid.width, height: grid.height, role: 'grid' });
  });
  const shownKeys = new Set(shown.map((t) => t.key));
  return { placed, hidden: remotes.filter((t) => !shownKeys.has(t.key)).map((t) => t.key), more: undefined, page: others.page, pages: others.pages, kind: 'grid' };
}

function focus(main: LayoutTile, strip: LayoutTile[], input: LayoutInput, gap: number): Omit<StageLayout, 'kind'> {
  const { width, height } = input;
  const stripHeight = strip.length === 0 ? 0 : Math.round(Math.min(150, Math.max(72, height * 0.2)));
  const mainHeight = height - (stripHeight ? stripHeight + gap : 0);
  const size = fit(width, mainHeight, main.kind === 'screen' ? input.screenAspect : input.aspect);
  const placed: Placed[] = [{ key: main.key, x: Math.floor((width - size.width) / 2), y: Math.floor((mainHeight - size.height) / 2), ...size, role: 'main' }];
  if (strip.length === 0) return { placed, hidden: [], more: undefined, page: 0, pages: 1 };
  const tileWidth = Math.min(Math.floor(stripHeight * input.aspect), Math.floor((width - gap * (strip.length - 1)) / strip.length));
  const minWidth = 96;
  const fits = Math.max(1, Math.floor((width + gap) / (Math.max(minWidth, tileWidth) + gap)));
  const shown = strip.length <= fits ? strip : strip.slice(0, fits - 1);
  const slots = shown.length + (shown.length < strip.length ? 1 : 0);
  const w = Math.max(minWidth, tileWidth);
  const h = Math.min(stripHeight, Math.floor(w / input.aspect));
  const rowWidth = slots * w + (slots - 1) * gap;
  const left = Math.floor((width - rowWidth) / 2);
  const y = height - stripHeight + Math.floor((stripHeight - h) / 2);
  shown.forEach((tile, i) => placed.push({ key: tile.key, x: left + i * (w + gap), y, width: w, height: h, role: 'strip' }));
  const hidden = strip.slice(shown.length);
  return {
    placed,
    hidden: hidden.map((t) => t.key),
    more: hidden.length ? { count: hidden.length, x: left + shown.length * (w + gap), y, width: w, height: h } : undefined,
    page: 0,
    pages: 1,
  };
}
