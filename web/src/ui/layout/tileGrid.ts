/**
 * The grid that shows `count` tiles of one aspect ratio as large as they can be in a stage: of every
 * column count, the one whose tiles (width / height = `aspect`, `gap` pixels apart) are the largest.
 * Pure: the stage measures itself and asks.
 */
export interface GridFit {
  columns: number;
  rows: number;
  /** Each tile's size in pixels. */
  width: number;
  height: number;
}

export function fitGrid(count: number, stageWidth: number, stageHeight: number, aspect: number, gap = 8): GridFit {
  const n = Math.max(1, count);
  let best: GridFit = { columns: 1, rows: n, width: 0, height: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const cellWidth = (stageWidth - gap * (columns - 1)) / columns;
    const cellHeight = (stageHeight - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    // the tile keeps the aspect ratio inside its cell
    const width = Math.min(cellWidth, cellHeight * aspect);
    const height = width / aspect;
    if (width * height > best.width * best.height) best = { columns, rows, width: Math.floor(width), height: Math.floor(height) };
  }
  return best;
}

/** Tiles per page of the grid; beyond it the grid pages. */
export const TILES_PER_PAGE = 16;

/** The tiles of page `page` (0-based) of `items`, and how many pages there are. */
export function pageOf<T>(items: T[], page: number, perPage = TILES_PER_PAGE): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(current * perPage, (current + 1) * perPage), page: current, pages };
}

/** The aspect ratio most of the known videos have (width / height), or `fallback`. */
export function commonAspect(aspects: number[], fallback = 16 / 9): number {
  const counts = new Map<number, number>();
  for (const a of aspects) {
    if (!Number.isFinite(a) || a <= 0) continue;
    const rounded = Math.round(a * 100) / 100;
    counts.set(rounded, (counts.get(rounded) ?? 0) + 1);
  }
  let best = fallback;
  let most = 0;
  for (const [aspect, n] of counts) if (n > most) [best, most] = [aspect, n];
  return best;
}
