/**
 * THE price table of the cost model (`npm run cost`): us-east-1 on-demand list prices, one date for
 * all of them. Free tiers, Savings Plans and private pricing are left out on purpose: the model is
 * of the marginal attendee-hour. Change a price here and nowhere else.
 */

/** A data transfer tier: this price per GB up to `upToTb` terabytes a month (cumulative). */
export interface TransferTier {
  readonly upToTb: number;
  readonly perGb: number;
}

export const PRICES = {
  region: 'us-east-1',
  /** The date these are list prices as of (the well-known published figures; check the URLs). */
  asOf: '2026-12-02',
  fargate: {
    url: 'https://aws.amazon.com/fargate/pricing/',
    /** Linux, per vCPU-hour and per GB-hour (billed per second, one-minute minimum). */
    x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  /** The SFU task's public IPv4 address (public subnets, no NAT gateway: see lib/stacks/sfuStack.ts). */
  publicIpv4: { url: 'https://aws.amazon.com/vpc/pricing/', perHour: 0.005 },
  /** Data transfer out from EC2 (Fargate) to the internet, tiered per month; the first 100 GB free tier left out. */
  dataTransferOut: {
    url: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
    tiers: [
      { upToTb: 10, perGb: 0.09 },
      { upToTb: 50, perGb: 0.085 },
      { upToTb: 150, perGb: 0.07 },
      { upToTb: Number.POSITIVE_INFINITY, perGb: 0.05 },
    ] as readonly TransferTier[],
  },
  apiGatewayWebSocket: {
    url: 'https://aws.amazon.com/api-gateway/pricing/',
    /** Messages sent and received, metered in 32 KB increments (first billion a month). */
    perMillionMessages: 1.0,
    messageIncrementKb: 32,
    perMillionConnectionMinutes: 0.25,
  },
  apiGatewayHttp: { url: 'https://aws.amazon.com/api-gateway/pricing/', perMillionRequests: 1.0 },
  lambda: {
    url: 'https://aws.amazon.com/lambda/pricing/',
    perMillionRequests: 0.2,
    perGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  },
  dynamodb: {
    url: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    /** On-demand, standard table class (after the November 2024 reduction). */
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
  },
  cloudfront: {
    url: 'https://aws.amazon.com/cloudfront/pricing/',
    /** Pay as you go, United States/Europe edge locations, first 10 TB a month. */
    perGb: 0.085,
    per10kHttpsRequests: 0.01,
  },
  kms: {
    url: 'https://aws.amazon.com/kms/pricing/',
    /** Symmetric, HMAC and RSA_2048 requests alike (the token key is RSA_2048, the seal key HMAC_256). */
    per10kRequests: 0.03,
    perKeyMonth: 1.0,
  },
  chime: {
    url: 'https://aws.amazon.com/chime/chime-sdk/pricing/',
    /** Amazon Chime SDK meetings: per attendee-minute, media and signaling included. */
    perAttendeeMinute: 0.0017,
  },
} as const;

export type Prices = typeof PRICES;

/**
 * The average price per GB of `monthlyTb` terabytes a month across the tiers; with no volume given,
 * the first tier's price (the marginal GB of a deployment under 10 TB a month).
 */
export function transferPricePerGb(tiers: readonly TransferTier[], monthlyTb?: number): number {
  const first = tiers[0];
  if (!first) throw new Error('no data transfer tiers');
  if (monthlyTb === undefined || monthlyTb <= 0) return first.perGb;
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    const inTier = Math.min(monthlyTb, tier.upToTb) - from;
    if (inTier <= 0) break;
    cost += inTier * tier.perGb;
    from = tier.upToTb;
  }
  return cost / monthlyTb;
}
