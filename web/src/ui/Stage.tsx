/**
 * The stage: measures itself, lays the tiles out (layout/stageLayout.ts), lets one's own small view
 * be moved out of the way (its button, or dragging it to another corner), pages a large grid, and
 * tells the session what every remote video looks like on screen (size, seen or not) when that
 * changes, for layer selection.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { VideoView } from '../call/CallSession.ts';
import { type Corner, type LayoutMode, type LayoutTile, layoutStage } from './layout/stageLayout.ts';
import { commonAspect } from './layout/tileGrid.ts';
import { type TileProps, VideoTile } from './VideoTile.tsx';

export type StageTile = LayoutTile & Omit<TileProps, 'id' | 'kind' | 'self' | 'style' | 'role' | 'onAspect' | 'tileRef' | 'handlers' | 'children'>;

// round the stage, away from the names (bottom left of each tile) as long as possible
const CORNERS: Corner[] = ['bottom-right', 'top-right', 'top-left', 'bottom-left'];
const REPORT_DELAY_MS = 250;

export function Stage({ tiles, mode, dominant, aspectHint, onViews }: { tiles: StageTile[]; mode: LayoutMode; dominant: string | undefined; aspectHint: number | undefined; onViews: (views: VideoView[]) => void }) {
  const stage = useRef<HTMLElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [page, setPage] = useState(0);
  const [corner, setCorner] = useState<Corner>('bottom-right');
  const [aspects, setAspects] = useState<Record<string, number>>({});
  const [offscreen, setOffscreen] = useState<ReadonlySet<string>>(new Set());
  const elements = useRef(new Map<string, HTMLElement>());
  const observer = useRef<IntersectionObserver | undefined>(undefined);

  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // a tile the stage shows but the page does not (scrolled, covered by the window's edge)
  useEffect(() => {
    const io = new IntersectionObserver((entries) => {
      setOffscreen((prev) => {
        const next = new Set(prev);
        for (const e of entries) {
          const key = (e.target as HTMLElement).dataset.key!;
          if (e.isIntersecting) next.delete(key);
          else next.add(key);
        }
        return next.size === prev.size && [...next].every((k) => prev.has(k)) ? prev : next;
      });
    });
    observer.current = io;
    for (const el of elements.current.values()) io.observe(el);
    return () => io.disconnect();
  }, []);

  // one ref and one aspect callback per tile, kept across renders (a new one each render would re-observe every time)
  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const tileRef = (key: string) => {
    let ref = refs.current.get(key);
    if (!ref) {
      ref = (el: HTMLElement | null) => {
        const known = elements.current.get(key);
        if (known && known !== el) observer.current?.unobserve(known);
        if (el) {
          el.dataset.key = key;
          elements.current.set(key, el);
          observer.current?.observe(el);
        } else elements.current.delete(key);
      };
      refs.current.set(key, ref);
    }
    return ref;
  };
  const aspectCallbacks = useRef(new Map<string, (aspect: number) => void>());
  const onAspect = (key: string) => {
    let callback = aspectCallbacks.current.get(key);
    if (!callback) {
      callback = (aspect: number) => setAspects((prev) => (Math.abs((prev[key] ?? 0) - aspect) < 0.01 ? prev : { ...prev, [key]: aspect }));
      aspectCallbacks.current.set(key, callback);
    }
    return callback;
  };

  const cameras = tiles.filter((t) => t.kind === 'camera');
  const screens = tiles.filter((t) => t.kind === 'screen');
  const aspect = commonAspect(cameras.map((t) => aspects[t.key]).filter((a): a is number => a !== undefined), aspectHint ?? 16 / 9);
  const screenAspect = screens[0] ? (aspects[screens[0].key] ?? 16 / 9) : 16 / 9;
  const layout = useMemo(
    () => layoutStage({ cameras, screens, mode, dominant, width: size.width, height: size.height, aspect, screenAspect, page, selfCorner: corner }),
    // tiles change identity on every render: their keys and kinds are what matter
    [cameras.map((t) => t.key).join(), screens.map((t) => t.key).join(), mode, dominant, size.width, size.height, aspect, screenAspect, page, corner],
  );
  const byKey = new Map(tiles.map((t) => [t.key, t]));

  // what every remote video looks like now: reported once it settles, and only when it changed
  const views: VideoView[] = useMemo(() => {
    const placed = new Map(layout.placed.map((p) => [p.key, p]));
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    return tiles
      .filter((t) => !t.self)
      .map((t) => {
        const p = placed.get(t.key);
        const visible = !!p && !hidden && !offscreen.has(t.key) && !(t.kind === 'camera' && t.videoMuted);
        return { peerId: t.peerId, source: t.kind, width: visible ? p!.width : 0, height: visible ? p!.height : 0, visible };
      });
  }, [layout, tiles, offscreen]);
  const viewsKey = JSON.stringify(views);
  useEffect(() => {
    if (size.width === 0) return;
    const timer = setTimeout(() => onViews(views), REPORT_DELAY_MS);
    return () => clearTimeout(timer);
    // by content: the same views again report nothing
  }, [viewsKey, onViews]);
  const [, setVisibility] = useState(0);
  useEffect(() => {
    const onVisibility = () => setVisibility((n) => n + 1);
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);

  // dragging one's own small view: it lands in the nearest corner
  const drag = useRef<{ dx: number; dy: number; moved: boolean } | undefined>(undefined);
  const [dragAt, setDragAt] = useState<{ x: number; y: number } | undefined>();
  const pipHandlers = {
    onPointerDown: (e: React.PointerEvent<HTMLElement>) => {
      if ((e.target as HTMLElement).closest('button')) return;
      const rect = e.currentTarget.getBoundingClientRect();
      drag.current = { dx: e.clientX - rect.left, dy: e.clientY - rect.top, moved: false };
      e.currentTarget.setPointerCapture(e.pointerId);
    },
    onPointerMove: (e: React.PointerEvent<HTMLElement>) => {
      if (!drag.current || !stage.current) return;
      const box = stage.current.getBoundingClientRect();
      drag.current.moved = true;
      setDragAt({ x: e.clientX - box.left - drag.current.dx, y: e.clientY - box.top - drag.current.dy });
    },
    onPointerUp: (e: React.PointerEvent<HTMLElement>) => {
      if (!drag.current || !stage.current) return;
      const moved = drag.current.moved;
      drag.current = undefined;
      setDragAt(undefined);
      if (!moved) return;
      const box = stage.current.getBoundingClientRect();
      const left = e.clientX - box.left < box.width / 2;
      const top = e.clientY - box.top < box.height / 2;
      setCorner(`${top ? 'top' : 'bottom'}-${left ? 'left' : 'right'}`);
    },
  };

  return (
    <section className={`stage ${layout.kind}`} ref={stage} aria-label="Participants" data-testid="stage" data-layout={layout.kind}>
      {layout.placed.map((p) => {
        const t = byKey.get(p.key);
        if (!t) return null;
        const pip = p.role === 'pip';
        const at = pip && dragAt ? { left: dragAt.x, top: dragAt.y } : { left: p.x, top: p.y };
        const { key, peerId, kind, self, ...rest } = t;
        return (
          <VideoTile
            key={key}
            id={peerId}
            kind={kind}
            self={self}
            {...rest}
            role={p.role}
            style={{ ...at, width: p.width, height: p.height }}
            onAspect={onAspect(key)}
            tileRef={tileRef(key)}
            {...(pip && { handlers: pipHandlers })}
          >
            {pip && (
              <button className="small pip-move" onClick={() => setCorner(CORNERS[(CORNERS.indexOf(corner) + 1) % CORNERS.length]!)} aria-label="Move your own view to another corner" data-testid="move-self">
                Move
              </button>
            )}
          </VideoTile>
        );
      })}
      {layout.more && (
        <div className="tile more" style={{ left: layout.more.x, top: layout.more.y, width: layout.more.width, height: layout.more.height }} data-testid="tile-more">
          +{layout.more.count}
        </div>
      )}
      {layout.pages > 1 && (
        <nav className="pager" aria-label="Pages of participants">
          <button className="small" onClick={() => setPage(layout.page - 1)} disabled={layout.page === 0} aria-label="Previous page of participants">
            ‹
          </button>
          <span>
            {layout.page + 1} / {layout.pages}
          </span>
          <button className="small" onClick={() => setPage(layout.page + 1)} disabled={layout.page >= layout.pages - 1} aria-label="Next page of participants">
            ›
          </button>
        </nav>
      )}
    </section>
  );
}
