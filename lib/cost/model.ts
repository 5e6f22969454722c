/**
 * The cost model: plain values in (deployment settings, assumptions, bit rates, prices), cost per
 * attendee-hour out. No I/O; bin/cost.ts reads the settings and prints.
 */
import { receivedLayers, type Layout } from './layouts.ts';
import { type Prices, PRICES, transferPricePerGb } from './prices.ts';
import type { Layer, Rates } from './rates.ts';
import { type FlowAssumptions, meetingUsage, roomMinutes, warmRoomUsagePerHour } from './signalingFlow.ts';
import { add, scale, type Usage } from './usage.ts';

export type Architecture = 'x86_64' | 'arm64';

/** What the deployment's settings decide (cdk.json through lib/settings.ts, and the Lambda construct). */
export interface Deployment {
  readonly sfuCpu: number;
  readonly sfuMemoryMiB: number;
  readonly sfuArchitecture: Architecture;
  readonly warmRooms: number;
  readonly roomIdleSeconds: number;
  readonly lambdaMemoryMiB: number;
  readonly lambdaArchitecture: Architecture;
}

export interface MediaAssumptions {
  /** Bytes of headers per media packet on the wire: IPv4 20, UDP 8, RTP 12, header extensions ~12, SRTP tag 10. */
  readonly packetOverheadBytes: number;
  /** Opus packets per second (20 ms frames). */
  readonly audioPacketsPerSecond: number;
  /** Video frames per second of every layer (at least one packet per frame). */
  readonly videoFps: number;
  /** Average video payload per packet (Chromium packetizes up to ~1200 bytes). */
  readonly videoPayloadBytesPerPacket: number;
  /** Retransmissions (RTX), as a share of the video received. */
  readonly retransmitShare: number;
  /** RTCP and ICE the SFU sends each attendee: transport-cc feedback and receiver reports on its upstream, sender reports, consent checks. */
  readonly rtcpKbpsPerAttendee: number;
}

export interface Assumptions extends FlowAssumptions, MediaAssumptions {
  readonly meetingMinutes: number;
  /** Meetings running at once on average, sharing the warm pool's idle tasks. */
  readonly concurrentMeetings: number;
  /** Task time before the first attendee gets in when there is no warm pool (warmRooms 0). */
  readonly coldStartMinutes: number;
  /** Average billed duration of one Lambda invocation. */
  readonly lambdaMsPerInvocation: number;
  /** The web client's page load: requests and compressed bytes (no browser cache). */
  readonly pageRequests: number;
  readonly pageBytes: number;
  /** Monthly data transfer out for the tier price: undefined = the first paid tier. */
  readonly egressTbPerMonth?: number;
}

export interface Meeting {
  readonly participants: number;
  readonly layout: Layout;
  /** The row's name ("4 people"). */
  readonly label: string;
}

export interface CostBreakdown {
  readonly dataTransferOut: number;
  readonly fargate: number;
  readonly webSocketApi: number;
  readonly httpApi: number;
  readonly lambda: number;
  readonly dynamodb: number;
  readonly cloudfront: number;
  readonly kms: number;
  readonly total: number;
}

export interface MeetingEstimate {
  readonly meeting: Meeting;
  /** What each receiver gets: one layer per remote video. */
  readonly layers: readonly Layer[];
  /** One receiver's downstream bit rate on the wire (media, headers, retransmissions, RTCP). */
  readonly downstreamKbps: number;
  readonly egressGbPerAttendeeHour: number;
  readonly pricePerGb: number;
  /** SFU task-hours per meeting-hour: the room's own task (meeting and idle tail) plus the warm pool share. */
  readonly taskHoursPerMeetingHour: number;
  readonly taskHourPrice: number;
  /** Serverless usage per attendee-hour. */
  readonly usagePerAttendeeHour: Usage;
  /** Cost per attendee-hour, by service. */
  readonly cost: CostBreakdown;
  readonly chimePerAttendeeHour: number;
}

/** kbit/s of one stream on the wire: its payload plus the headers of its packets. */
export function wireKbps(payloadKbps: number, packetsPerSecond: number, overheadBytes: number): number {
  return payloadKbps + (packetsPerSecond * overheadBytes * 8) / 1000;
}

function videoPacketsPerSecond(kbps: number, a: MediaAssumptions): number {
  return Math.max(a.videoFps, (kbps * 1000) / 8 / a.videoPayloadBytesPerPacket);
}

/**
 * One receiver's downstream kbit/s: every remote video at the layer its tile asks for, every remote
 * audio stream, retransmissions and RTCP. `includesHeaders`: the rates were measured on the wire.
 */
export function downstreamKbps(layers: readonly Layer[], rates: Rates, a: MediaAssumptions, includesHeaders = false): number {
  const overhead = includesHeaders ? 0 : a.packetOverheadBytes;
  let video = 0;
  for (const layer of layers) video += wireKbps(rates[layer], videoPacketsPerSecond(rates[layer], a), overhead);
  const audio = layers.length * wireKbps(rates.audio, a.audioPacketsPerSecond, overhead);
  return video * (1 + a.retransmitShare) + audio + a.rtcpKbpsPerAttendee;
}

/** GB (10^9 bytes: a little above the 2^30 AWS meters) an hour at `kbps`. */
export function gbPerHour(kbps: number): number {
  return (kbps * 1000 * 3600) / 8 / 1e9;
}

/** One SFU task-hour: vCPU, memory and its public IPv4 address. */
export function taskHourPrice(d: Deployment, prices: Prices = PRICES): number {
  const rate = prices.fargate[d.sfuArchitecture];
  return (d.sfuCpu / 1024) * rate.vcpuHour + (d.sfuMemoryMiB / 1024) * rate.gbHour + prices.publicIpv4.perHour;
}

/** SFU task-hours per meeting-hour: the room's own (meeting, idle tail, a cold start without a warm pool) plus its warm pool share. */
export function taskHoursPerMeetingHour(d: Deployment, a: Assumptions): number {
  const coldStart = d.warmRooms === 0 ? a.coldStartMinutes : 0;
  const own = (roomMinutes({ meetingMinutes: a.meetingMinutes, roomIdleSeconds: d.roomIdleSeconds }) + coldStart) / a.meetingMinutes;
  return own + d.warmRooms / a.concurrentMeetings;
}

/** The serverless services' cost of `u`. */
export function serverlessCost(u: Usage, d: Deployment, a: Assumptions, prices: Prices = PRICES): Omit<CostBreakdown, 'dataTransferOut' | 'fargate' | 'total'> {
  const gbSeconds = u.lambda * (d.lambdaMemoryMiB / 1024) * (a.lambdaMsPerInvocation / 1000);
  return {
    webSocketApi: ((u.wsIn + u.wsOut) / 1e6) * prices.apiGatewayWebSocket.perMillionMessages + (u.wsMinutes / 1e6) * prices.apiGatewayWebSocket.perMillionConnectionMinutes,
    httpApi: (u.http / 1e6) * prices.apiGatewayHttp.perMillionRequests,
    lambda: (u.lambda / 1e6) * prices.lambda.perMillionRequests + gbSeconds * prices.lambda.perGbSecond[d.lambdaArchitecture],
    dynamodb: (u.rru / 1e6) * prices.dynamodb.perMillionReadUnits + (u.wru / 1e6) * prices.dynamodb.perMillionWriteUnits,
    cloudfront: u.pageLoads * ((a.pageBytes / 1e9) * prices.cloudfront.perGb + (a.pageRequests / 1e4) * prices.cloudfront.per10kHttpsRequests),
    kms: (u.kms / 1e4) * prices.kms.per10kRequests,
  };
}

export function estimate(meeting: Meeting, d: Deployment, a: Assumptions, rates: Rates, options: { includesHeaders?: boolean; prices?: Prices } = {}): MeetingEstimate {
  const prices = options.prices ?? PRICES;
  const n = meeting.participants;
  const attendeeHours = (n * a.meetingMinutes) / 60;
  const layers = receivedLayers(meeting.layout, n);
  const kbps = downstreamKbps(layers, rates, a, options.includesHeaders);
  const egressGb = gbPerHour(kbps);
  const pricePerGb = transferPricePerGb(prices.dataTransferOut.tiers, a.egressTbPerMonth);

  const taskHours = taskHoursPerMeetingHour(d, a);
  const hourPrice = taskHourPrice(d, prices);
  const meetingHours = a.meetingMinutes / 60;
  const perMeeting = add(
    meetingUsage({ participants: n, meetingMinutes: a.meetingMinutes, roomIdleSeconds: d.roomIdleSeconds }, a),
    scale(warmRoomUsagePerHour(a), (d.warmRooms / a.concurrentMeetings) * meetingHours),
  );
  const perAttendeeHour = scale(perMeeting, 1 / attendeeHours);
  const serverless = serverlessCost(perAttendeeHour, d, a, prices);
  const parts = {
    dataTransferOut: egressGb * pricePerGb,
    fargate: (taskHours * hourPrice) / n,
    ...serverless,
  };
  const total = Object.values(parts).reduce((sum, v) => sum + v, 0);
  return {
    meeting,
    layers,
    downstreamKbps: kbps,
    egressGbPerAttendeeHour: egressGb,
    pricePerGb,
    taskHoursPerMeetingHour: taskHours,
    taskHourPrice: hourPrice,
    usagePerAttendeeHour: perAttendeeHour,
    cost: { ...parts, total },
    chimePerAttendeeHour: prices.chime.perAttendeeMinute * 60,
  };
}

/**
 * The bit rate of `layer` at which `meeting` costs as much as Chime (the others as in `rates`);
 * undefined if the meeting costs more than Chime even without that layer's video, or it does not use it.
 */
export function breakEvenKbps(meeting: Meeting, layer: Layer, d: Deployment, a: Assumptions, rates: Rates, options: { includesHeaders?: boolean; prices?: Prices } = {}): number | undefined {
  const at = (kbps: number) => estimate(meeting, d, a, { ...rates, [layer]: kbps }, options);
  if (!at(1).layers.includes(layer)) return undefined;
  const chime = at(1).chimePerAttendeeHour;
  if (at(1e-6).cost.total >= chime) return undefined;
  let low = 1e-6;
  let high = 100_000;
  if (at(high).cost.total < chime) return high;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (at(mid).cost.total < chime) low = mid;
    else high = mid;
  }
  return low;
}
