/**
 * `npm run cost`: the cost per attendee-hour of 2-, 4- and 10-person meetings in us-east-1 list
 * prices, next to Amazon Chime SDK meetings. The task size and warm pool come from cdk.json (through
 * lib/settings.ts, as the CDK app reads them), the rest from lib/cost/ (model, prices, assumptions).
 *
 *   --rates <file.json>        measured kbit/s {"audio", "180p", "360p", "720p"} (any of them) over the defaults
 *   --minutes <n>              meeting length (default 60)
 *   --concurrent-meetings <n>  meetings sharing the warm pool (default 1)
 *   --egress-tb <n>            monthly data transfer out, for the tiered price (default: the first tier)
 *   -c key=value               a CDK setting, as `cdk deploy -c` takes it (e.g. -c sfuArchitecture=arm64)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DEFAULT_ASSUMPTIONS, MEETINGS, type CodeFacts } from '../lib/cost/assumptions.ts';
import { type Assumptions, breakEvenKbps, type Deployment, estimate } from '../lib/cost/model.ts';
import { PRICES } from '../lib/cost/prices.ts';
import { defaultRates, LAYER_KBPS_SOURCE, parseRates, RatesError, type ResolvedRates } from '../lib/cost/rates.ts';
import { formatReport } from '../lib/cost/report.ts';
import { HANDLER_ARCHITECTURE, HANDLER_MEMORY_MIB } from '../lib/constructs/handlerFunction.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { parseSettings, SettingsError, type Settings } from '../lib/settings.ts';
import { DEFAULT_KEEPALIVE_SECONDS } from '../sfu-task/src/config.ts';
import { KEEPALIVE_MS } from '../web/src/signaling/SignalingClient.ts';

const USAGE = 'usage: npm run cost -- [--rates <file.json>] [--minutes <n>] [--concurrent-meetings <n>] [--egress-tb <n>] [-c key=value ...]';

class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number above 0, got "${value}"`);
  return n;
}

/** cdk.json's context with `-c key=value` over it, validated by the CDK app's own settings module. */
function readSettings(overrides: readonly string[]): { settings: Settings; overridden: string[] } {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const context: Record<string, unknown> = { ...cdkJson.context };
  for (const pair of overrides) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`-c takes key=value, got "${pair}"`);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { settings: parseSettings(context), overridden: overrides.map((p) => p.slice(0, p.indexOf('='))) };
}

/** The web client's page load as built (web/dist: its files compressed, plus config.json), else an estimate. */
function pageWeight(): { requests: number; bytes: number; source: string } {
  const dist = join(REPO_ROOT, 'web', 'dist');
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return { requests: 4, bytes: 110_000, source: 'page load: web/dist not built (npm run build:web), assumed 4 requests, 110 KB, no browser cache' };
  const assets = existsSync(join(dist, 'assets')) ? readdirSync(join(dist, 'assets')).filter((f) => !f.endsWith('.map')).map((f) => join(dist, 'assets', f)) : [];
  const files = [index, ...assets];
  const configJsonBytes = 400;
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(f)).length, 0) + configJsonBytes;
  return {
    requests: files.length + 1,
    bytes,
    source: `page load: ${files.length + 1} requests, ${Math.round(bytes / 1000)} KB (web/dist as built, gzip-compressed, plus config.json), no browser cache`,
  };
}

function readRates(file: string | undefined): ResolvedRates {
  if (file === undefined) return defaultRates();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RatesError(`cannot read rates file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseRates(text, file);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string' },
      minutes: { type: 'string' },
      'concurrent-meetings': { type: 'string' },
      'egress-tb': { type: 'string' },
      context: { type: 'string', short: 'c', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rates = readRates(values.rates);
  const { settings, overridden } = readSettings(values.context ?? []);
  const deployment: Deployment = {
    sfuCpu: settings.sfuCpu,
    sfuMemoryMiB: settings.sfuMemoryMiB,
    sfuArchitecture: settings.sfuArchitecture,
    warmRooms: settings.warmRooms,
    roomIdleSeconds: settings.roomIdleSeconds,
    lambdaMemoryMiB: HANDLER_MEMORY_MIB,
    lambdaArchitecture: HANDLER_ARCHITECTURE.name === 'arm64' ? 'arm64' : 'x86_64',
  };
  const page = pageWeight();
  const facts: CodeFacts = {
    clientKeepaliveSeconds: KEEPALIVE_MS / 1000,
    sfuKeepaliveSeconds: DEFAULT_KEEPALIVE_SECONDS,
    pageRequests: page.requests,
    pageBytes: page.bytes,
  };
  const egressTb = positive('egress-tb', values['egress-tb'], undefined);
  const assumptions: Assumptions = {
    ...DEFAULT_ASSUMPTIONS,
    ...facts,
    meetingMinutes: positive('minutes', values.minutes, DEFAULT_ASSUMPTIONS.meetingMinutes)!,
    concurrentMeetings: positive('concurrent-meetings', values['concurrent-meetings'], DEFAULT_ASSUMPTIONS.concurrentMeetings)!,
    ...(egressTb !== undefined && { egressTbPerMonth: egressTb }),
  };
  const options = { includesHeaders: rates.includesHeaders, prices: PRICES };
  const estimates = MEETINGS.map((m) => estimate(m, deployment, assumptions, rates.kbps, options));
  const four = MEETINGS.find((m) => m.participants === 4);
  const fourLayer = four && estimates.find((e) => e.meeting === four)?.layers[0];
  const setting = (key: keyof Settings) => `${key} ${String(settings[key])}${overridden.includes(key) ? ' (-c)' : ''}`;
  const variant = (label: string, d: Deployment, a: Assumptions) => four && { label, total: estimate(four, d, a, rates.kbps, options).cost.total };
  const variants = [
    variant(`${four?.label}, the warm task shared by 10 meetings at once`, deployment, { ...assumptions, concurrentMeetings: 10 }),
    variant(`${four?.label}, SFU on arm64`, { ...deployment, sfuArchitecture: 'arm64' }, assumptions),
    variant(`${four?.label}, 50 TB a month of data transfer out (tier average)`, deployment, { ...assumptions, egressTbPerMonth: 50 }),
  ].filter((v) => v !== undefined);
  console.log(
    formatReport({
      estimates,
      deployment,
      deploymentSources: [
        `SFU task ${deployment.sfuCpu / 1024} vCPU, ${deployment.sfuMemoryMiB / 1024} GB, ${deployment.sfuArchitecture}: ${setting('sfuCpu')}, ${setting('sfuMemoryMiB')}, ${setting('sfuArchitecture')}`,
        `${setting('warmRooms')}, ${setting('roomIdleSeconds')}`,
        `read from cdk.json's context (and -c key=value) through lib/settings.ts, as the CDK app reads them and lib/stacks/sfuStack.ts sizes the task definition`,
        `Lambda ${deployment.lambdaMemoryMiB} MB ${deployment.lambdaArchitecture}: HANDLER_MEMORY_MIB, HANDLER_ARCHITECTURE (lib/constructs/handlerFunction.ts)`,
      ],
      assumptions,
      codeSources: [
        `keepalives: the web client every ${facts.clientKeepaliveSeconds} s (KEEPALIVE_MS, web/src/signaling/SignalingClient.ts), the SFU after ${facts.sfuKeepaliveSeconds} s without sending (DEFAULT_KEEPALIVE_SECONDS, sfu-task/src/config.ts)`,
        page.source,
      ],
      rates,
      rateSources: `source: ${LAYER_KBPS_SOURCE} (\`layerKbps\`, lib/cost/rates.ts); measured figures: --rates <file.json>`,
      ...(four && fourLayer && { breakEven: { label: four.label, layer: fourLayer, kbps: breakEvenKbps(four, fourLayer, deployment, assumptions, rates.kbps, options) } }),
      variants,
      prices: PRICES,
    }),
  );
}

try {
  main();
} catch (error) {
  if (error instanceof RatesError || error instanceof SettingsError || error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`npm run cost: ${(error as Error).message}`);
    if (error instanceof UsageError || !(error instanceof RatesError || error instanceof SettingsError)) console.error(USAGE);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
