/** Billable units of the serverless parts: what one step of the signaling flow, or a whole meeting, uses. */
export interface Usage {
  /** Messages the WebSocket API receives (from a client or an SFU). */
  readonly wsIn: number;
  /** Messages the WebSocket API sends (@connections posts to a client or an SFU). */
  readonly wsOut: number;
  /** WebSocket connection minutes. */
  readonly wsMinutes: number;
  /** HTTP API requests. */
  readonly http: number;
  /** Lambda invocations. */
  readonly lambda: number;
  /** DynamoDB read request units (4 KB strongly consistent = 1, eventually consistent = 0.5). */
  readonly rru: number;
  /** DynamoDB write request units (1 KB = 1; in a transaction 2; a global secondary index's copy 1 more, 2 when its key changes). */
  readonly wru: number;
  /** KMS requests (token signatures). */
  readonly kms: number;
  /** Page loads of the web client through CloudFront. */
  readonly pageLoads: number;
}

export const NONE: Usage = { wsIn: 0, wsOut: 0, wsMinutes: 0, http: 0, lambda: 0, rru: 0, wru: 0, kms: 0, pageLoads: 0 };

const KEYS = Object.keys(NONE) as (keyof Usage)[];

export function usage(parts: Partial<Usage>): Usage {
  return { ...NONE, ...parts };
}

export function add(...all: Usage[]): Usage {
  return Object.fromEntries(KEYS.map((k) => [k, all.reduce((sum, u) => sum + u[k], 0)])) as unknown as Usage;
}

export function scale(u: Usage, factor: number): Usage {
  return Object.fromEntries(KEYS.map((k) => [k, u[k] * factor])) as unknown as Usage;
}
