/**
 * What each receiver draws, and so which simulcast layer it asks the SFU for: the lowest layer at
 * least as tall as the tile (receiver-driven layers), the top one for anything taller.
 */
import { LAYER_HEIGHT, LAYERS, type Layer } from './rates.ts';

export interface Tile {
  readonly width: number;
  readonly height: number;
}

/** The call window the layouts fill (a laptop browser window). */
export const VIEWPORT: Tile = { width: 1280, height: 720 };

/** Speaker view: the other people's thumbnails in a strip, this size each. */
export const THUMBNAIL: Tile = { width: 160, height: 90 };

export interface Layout {
  readonly name: 'grid' | 'speaker';
  /** The tiles of the other `participants - 1` people, as one receiver sees them. */
  remoteTiles(participants: number): Tile[];
  /** One line for the printed assumptions. */
  describe(participants: number): string;
}

/** The layer a tile of this size asks for. */
export function layerForTile(tile: Tile): Layer {
  return LAYERS.find((layer) => LAYER_HEIGHT[layer] >= tile.height) ?? LAYERS[LAYERS.length - 1]!;
}

/** Columns and rows of a grid of `count` tiles, as square as it gets. */
function gridShape(count: number): { cols: number; rows: number } {
  const cols = Math.ceil(Math.sqrt(count));
  return { cols, rows: Math.ceil(count / cols) };
}

/** 16:9 tiles of a grid of `count` (everyone, self included) filling the viewport. */
function gridTile(count: number): Tile {
  const { cols, rows } = gridShape(count);
  const width = Math.floor(Math.min(VIEWPORT.width / cols, ((VIEWPORT.height / rows) * 16) / 9));
  return { width, height: Math.floor((width * 9) / 16) };
}

export const gridLayout: Layout = {
  name: 'grid',
  remoteTiles: (participants) => Array.from({ length: participants - 1 }, () => gridTile(participants)),
  describe(participants) {
    const { cols, rows } = gridShape(participants);
    const tile = gridTile(participants);
    return `grid of everyone (self included), ${cols}x${rows} in ${VIEWPORT.width}x${VIEWPORT.height}: ${tile.width}x${tile.height} tiles`;
  },
};

export const speakerLayout: Layout = {
  name: 'speaker',
  remoteTiles: (participants) => [VIEWPORT, ...Array.from({ length: participants - 2 }, () => THUMBNAIL)],
  describe(participants) {
    const large = `the ${participants === 2 ? 'other person' : 'active speaker'} in one large tile (${VIEWPORT.width}x${VIEWPORT.height}, self view as a small overlay)`;
    return participants > 2 ? `${large}, the other ${participants - 2} as ${THUMBNAIL.width}x${THUMBNAIL.height} thumbnails` : large;
  },
};

/** The layer each remote video is received at, for one receiver. */
export function receivedLayers(layout: Layout, participants: number): Layer[] {
  return layout.remoteTiles(participants).map(layerForTile);
}

/** `["360p","360p","360p"]` -> `3x360p`; mixed: `1x720p + 8x180p`. */
export function describeLayers(layers: readonly Layer[]): string {
  if (layers.length === 0) return 'none';
  const counts = LAYERS.map((l) => [l, layers.filter((x) => x === l).length] as const).filter(([, n]) => n > 0);
  return counts
    .reverse()
    .map(([l, n]) => `${n}x${l}`)
    .join(' + ');
}
