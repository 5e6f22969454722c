/** The printed report of `npm run cost`: plain text around Markdown tables (they go into the README as printed). */
import { describeLayers, THUMBNAIL, VIEWPORT } from './layouts.ts';
import type { Assumptions, CostBreakdown, Deployment, MeetingEstimate } from './model.ts';
import type { Prices } from './prices.ts';
import { type Layer, LAYERS, type RateKey, type ResolvedRates } from './rates.ts';
import { STEPS } from './signalingFlow.ts';
import type { Usage } from './usage.ts';

export interface ReportInput {
  readonly estimates: readonly MeetingEstimate[];
  readonly deployment: Deployment;
  /** Where each deployment value came from, one line each. */
  readonly deploymentSources: readonly string[];
  readonly assumptions: Assumptions;
  /** Where the code-derived assumptions came from, one line each. */
  readonly codeSources: readonly string[];
  readonly rates: ResolvedRates;
  readonly rateSources: string;
  readonly breakEven?: { readonly label: string; readonly layer: Layer; readonly kbps: number | undefined };
  /** The same meeting under other settings or assumptions: what moves its total. */
  readonly variants?: readonly { readonly label: string; readonly total: number }[];
  readonly prices: Prices;
}

const money = (v: number): string => (v > 0 && v < 0.00005 ? '<$0.0001' : `$${v.toFixed(4)}`);
const num = (v: number, digits = 0): string => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v: number): string => `${v >= 0.0005 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/** A Markdown table with padded columns; the first column left-aligned, the rest right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const COST_ROWS: readonly [keyof CostBreakdown, string][] = [
  ['dataTransferOut', 'data transfer out (media)'],
  ['fargate', 'Fargate (SFU task, IPv4)'],
  ['webSocketApi', 'API Gateway WebSocket'],
  ['httpApi', 'API Gateway HTTP'],
  ['lambda', 'Lambda'],
  ['dynamodb', 'DynamoDB'],
  ['cloudfront', 'CloudFront'],
  ['kms', 'KMS'],
];

export function costTable(estimates: readonly MeetingEstimate[]): string {
  const header = ['per attendee-hour', ...estimates.map((e) => e.meeting.label)];
  const col = (f: (e: MeetingEstimate) => string) => estimates.map(f);
  const rows = [
    ['video received (each)', ...col((e) => describeLayers(e.layers))],
    ['downstream kbit/s', ...col((e) => num(e.downstreamKbps))],
    ['GB out', ...col((e) => num(e.egressGbPerAttendeeHour, 3))],
    ...COST_ROWS.map(([key, name]) => [name, ...col((e) => money(e.cost[key]))]),
    ['**total**', ...col((e) => `**${money(e.cost.total)}**`)],
    ['Chime SDK ($0.0017/min)', ...col((e) => money(e.chimePerAttendeeHour))],
    ['vs Chime', ...col((e) => pct(e.cost.total / e.chimePerAttendeeHour - 1))],
  ];
  return markdownTable(header, rows);
}

const USAGE_ROWS: readonly [keyof Usage, string][] = [
  ['wsIn', 'WebSocket messages in'],
  ['wsOut', 'WebSocket messages out'],
  ['wsMinutes', 'WebSocket connection minutes'],
  ['http', 'HTTP API requests'],
  ['lambda', 'Lambda invocations'],
  ['rru', 'DynamoDB read units'],
  ['wru', 'DynamoDB write units'],
  ['kms', 'KMS requests'],
];

export function usageTable(estimates: readonly MeetingEstimate[]): string {
  const header = ['per attendee-hour', ...estimates.map((e) => e.meeting.label)];
  return markdownTable(header, USAGE_ROWS.map(([key, name]) => [name, ...estimates.map((e) => num(e.usagePerAttendeeHour[key], 1))]));
}

function rateLines(r: ResolvedRates, sourceNote: string): string[] {
  const keys: RateKey[] = ['audio', ...LAYERS];
  return [
    `Bit rates (kbit/s of RTP payload${r.includesHeaders ? ', headers included' : ''}): ` +
      keys.map((k) => `${k} ${num(r.kbps[k])} (${r.from[k]})`).join(', '),
    `  ${r.source ? `source: ${r.source}` : sourceNote}`,
  ];
}

function assumptionLines(input: ReportInput): string[] {
  const a = input.assumptions;
  const d = input.deployment;
  const e4 = input.estimates;
  return [
    `- meeting: ${a.meetingMinutes} minutes, everyone for all of it, cameras and microphones on, no reconnects; ${e4.map((e) => `${e.meeting.label}: ${e.meeting.layout.describe(e.meeting.participants)}`).join('; ')}`,
    `- each receiver gets every other attendee's audio and each remote video at the lowest layer at least as tall as its tile (${VIEWPORT.width}x${VIEWPORT.height} window; thumbnails ${THUMBNAIL.width}x${THUMBNAIL.height}); uploads are free (data transfer in)`,
    `- on the wire: ${a.packetOverheadBytes} bytes of headers a packet (IPv4, UDP, RTP + extensions, SRTP tag); audio ${a.audioPacketsPerSecond} packets/s; video ${a.videoFps} frames/s, ${a.videoPayloadBytesPerPacket} bytes a packet; retransmissions ${Math.round(a.retransmitShare * 100)}% of video; RTCP/ICE from the SFU ${a.rtcpKbpsPerAttendee} kbit/s an attendee`,
    `- data transfer out at ${a.egressTbPerMonth ? `the average of the tiers for ${a.egressTbPerMonth} TB a month` : 'the first paid tier (under 10 TB a month; the 100 GB free allowance left out)'}: ${money(input.estimates[0]?.pricePerGb ?? 0)}/GB`,
    `- SFU task: one per room, for the meeting plus roomIdleSeconds (${d.roomIdleSeconds} s) after the last attendee leaves${d.warmRooms === 0 ? `, plus a ${a.coldStartMinutes}-minute cold start (warmRooms 0)` : ''}; ` +
      `warm pool: warmRooms (${d.warmRooms}) idle task${d.warmRooms === 1 ? '' : 's'} running all the time, shared by ${a.concurrentMeetings} meeting${a.concurrentMeetings === 1 ? '' : 's'} running at once (--concurrent-meetings): ` +
      `${num(input.estimates[0]?.taskHoursPerMeetingHour ?? 0, 3)} task-hours a meeting-hour at ${money(input.estimates[0]?.taskHourPrice ?? 0)} each`,
    `- Lambda: ${a.lambdaMsPerInvocation} ms billed per invocation at ${d.lambdaMemoryMiB} MB ${d.lambdaArchitecture}; every WebSocket message is under 32 KB (one billing unit)`,
    `- signaling: ${a.candidatesPerConnection} ICE candidates per peer connection; ${a.handshakeReadUnits} DynamoDB read unit per relayed frame; ${a.speakerChangesPerMinute} active speaker changes a minute; ${a.roomMessagesPerAttendeeMinute} room messages (mute, chat) per attendee-minute`,
    ...input.codeSources.map((s) => `- ${s}`),
  ];
}

function flowLines(): string[] {
  return Object.values(STEPS).map((s) => `- ${s.what}`);
}

function priceLines(p: Prices): string[] {
  const tiers = p.dataTransferOut.tiers.map((t) => `$${t.perGb}/GB${Number.isFinite(t.upToTb) ? ` to ${t.upToTb} TB` : ' beyond'}`).join(', ');
  return [
    `List prices, ${p.region}, as of ${p.asOf} (on demand; free tiers left out) — check the pages named:`,
    `- Fargate Linux: x86_64 $${p.fargate.x86_64.vcpuHour}/vCPU-h + $${p.fargate.x86_64.gbHour}/GB-h, arm64 $${p.fargate.arm64.vcpuHour} + $${p.fargate.arm64.gbHour} (${p.fargate.url}); public IPv4 $${p.publicIpv4.perHour}/h (${p.publicIpv4.url})`,
    `- data transfer out to the internet: ${tiers} a month (${p.dataTransferOut.url})`,
    `- API Gateway: WebSocket $${p.apiGatewayWebSocket.perMillionMessages}/million messages (${p.apiGatewayWebSocket.messageIncrementKb} KB units) + $${p.apiGatewayWebSocket.perMillionConnectionMinutes}/million connection minutes; HTTP API $${p.apiGatewayHttp.perMillionRequests}/million requests (${p.apiGatewayWebSocket.url})`,
    `- Lambda: $${p.lambda.perMillionRequests}/million requests + $${p.lambda.perGbSecond.arm64}/GB-s arm64, $${p.lambda.perGbSecond.x86_64} x86_64 (${p.lambda.url})`,
    `- DynamoDB on demand: $${p.dynamodb.perMillionWriteUnits}/million write units, $${p.dynamodb.perMillionReadUnits}/million read units (${p.dynamodb.url})`,
    `- CloudFront: $${p.cloudfront.perGb}/GB + $${p.cloudfront.per10kHttpsRequests}/10,000 HTTPS requests (${p.cloudfront.url})`,
    `- KMS: $${p.kms.per10kRequests}/10,000 requests, $${p.kms.perKeyMonth}/key-month (${p.kms.url})`,
    `- Amazon Chime SDK meetings: $${p.chime.perAttendeeMinute}/attendee-minute (${p.chime.url})`,
  ];
}

export function formatReport(input: ReportInput): string {
  const out: string[] = [];
  out.push(`Cost per attendee-hour of a video meeting, ${input.prices.region} list prices as of ${input.prices.asOf}`, '');
  out.push(costTable(input.estimates), '');
  if (input.breakEven) {
    const b = input.breakEven;
    out.push(
      b.kbps === undefined
        ? `${b.label}: above Chime whatever the ${b.layer} bit rate (the other costs alone exceed it).`
        : `${b.label} costs the same as Chime at ${b.layer} = ${num(b.kbps)} kbit/s: measured ${b.layer} rates below that keep it under Chime.`,
      '',
    );
  }
  if (input.variants?.length) {
    const chime = input.estimates[0]?.chimePerAttendeeHour ?? 0;
    out.push(...input.variants.map((v) => `- ${v.label}: ${money(v.total)} (${pct(v.total / chime - 1)} vs Chime)`), '');
  }
  out.push(...rateLines(input.rates, input.rateSources), '');
  out.push('Deployment:', ...input.deploymentSources.map((s) => `- ${s}`), '');
  out.push('Assumptions:', ...assumptionLines(input), '');
  out.push('Signaling and control plane per attendee-hour:', '', usageTable(input.estimates), '');
  out.push('Counted per step (from the code path each names):', ...flowLines(), '');
  out.push(...priceLines(input.prices), '');
  out.push(
    'Not included: fixed monthly costs (the two KMS keys, $1 each; the scheduled jobs, 3 x 43,800 invocations; alarms, Container Insights, logs),',
    'S3 and ECR storage, API Gateway data transfer of signaling frames, TURN relays, taxes, and any free tier.',
  );
  return out.join('\n');
}
