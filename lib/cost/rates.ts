/**
 * Downstream bit rates of what the SFU forwards: one audio stream, and camera video per simulcast
 * layer. The defaults are `layerKbps`; a `--rates <file.json>` of measured figures
 * (`npm run bench:quality`) replaces any of them.
 */
import { z } from 'zod';

export const LAYERS = ['180p', '360p', '720p'] as const;
export type Layer = (typeof LAYERS)[number];
export type RateKey = 'audio' | Layer;
export type Rates = Readonly<Record<RateKey, number>>;

/** Picture height of each layer of a 1280x720 camera sent as three layers (scaled down by 4, 2, 1). */
export const LAYER_HEIGHT: Readonly<Record<Layer, number>> = { '180p': 180, '360p': 360, '720p': 720 };

/**
 * Default bit rates, kbit/s of RTP payload (what getStats' inbound-rtp `bytesReceived` counts; the
 * model adds packet headers). Source: libwebrtc's simulcast defaults for a 1280x720 camera in three
 * layers (media/engine/simulcast.cc, kSimulcastFormats): the two lower layers at their target rate,
 * 150 (320x180) and 500 (640x360), the top one at its maximum, 2500 (1280x720); Opus at Chromium's
 * default 32 kbit/s for mono voice. Replace them with measured figures (`--rates`).
 */
export const layerKbps: Rates = { audio: 32, '180p': 150, '360p': 500, '720p': 2500 };
export const LAYER_KBPS_SOURCE = "libwebrtc's simulcast defaults (media/engine/simulcast.cc) and Chromium's Opus default";

/** The rates a run uses, and where each came from. */
export interface ResolvedRates {
  readonly kbps: Rates;
  /** Per rate: the file's name, or 'default'. */
  readonly from: Readonly<Record<RateKey, string>>;
  /** The file's own note of where its figures come from (`"source"`), if any. */
  readonly source?: string;
  /** True when the figures already include packet headers (a transport-level measurement). */
  readonly includesHeaders: boolean;
}

export class RatesError extends Error {
  override readonly name = 'RatesError';
}

const kbit = z.number({ error: 'must be a number of kbit/s' }).positive({ error: 'must be above 0' }).max(100_000, { error: 'must be at most 100000 kbit/s' });

const fileSchema = z
  .object({
    audio: kbit.optional(),
    '180p': kbit.optional(),
    '360p': kbit.optional(),
    '720p': kbit.optional(),
    source: z.string().optional(),
    includesHeaders: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.audio !== undefined || LAYERS.some((l) => r[l] !== undefined), {
    error: 'names no rate: give at least one of audio, 180p, 360p, 720p',
  });

export function defaultRates(): ResolvedRates {
  return { kbps: layerKbps, from: { audio: 'default', '180p': 'default', '360p': 'default', '720p': 'default' }, includesHeaders: false };
}

/**
 * A rates file's text (`{"audio": 32, "180p": 150, "360p": 500, "720p": 2500}`, kbit/s; any subset,
 * plus optional `source` and `includesHeaders`) over the defaults. RatesError names the file and
 * the problem.
 */
export function parseRates(text: string, fileName: string, defaults: Rates = layerKbps): ResolvedRates {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RatesError(`${fileName}: not JSON (${(error as Error).message})`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')} ${i.message}` : i.message));
    throw new RatesError(`${fileName}: ${issues.join('; ')} (expected {"audio", "180p", "360p", "720p"} in kbit/s)`);
  }
  const file = parsed.data;
  const keys: RateKey[] = ['audio', ...LAYERS];
  const kbps = Object.fromEntries(keys.map((k) => [k, file[k] ?? defaults[k]])) as Record<RateKey, number>;
  const from = Object.fromEntries(keys.map((k) => [k, file[k] !== undefined ? fileName : 'default'])) as Record<RateKey, string>;
  return { kbps, from, ...(file.source !== undefined && { source: file.source }), includesHeaders: file.includesHeaders === true };
}
