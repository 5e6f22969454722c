/**
 * The DynamoDB tables: keys, indexes and TTL attribute. One definition, read by the local stack
 * (to create the tables in DynamoDB Local) and by the CDK data stack.
 */

export type KeyType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name, also the suffix of the physical table name. */
  readonly id: TableId;
  /** Environment variable that carries the physical table name to the handlers. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Epoch-seconds expiry attribute (DynamoDB TTL). Readers treat expired items as absent. */
  readonly ttlAttribute?: string;
}

export type TableId =
  | 'rooms'
  | 'paths'
  | 'counters'
  | 'connections'
  | 'peers'
  | 'clients'
  | 'tickets'
  | 'endpoints'
  | 'endpointEvents'
  | 'callUrls'
  | 'calls';

export const ROOMS_BY_STATUS_INDEX = 'byStatus';
export const PEERS_LOST_INDEX = 'lostPeers';
export const ENDPOINTS_BY_USER_INDEX = 'byUser';
export const ENDPOINTS_DEADLINE_INDEX = 'byDeadline';
export const ENDPOINTS_REMINDER_INDEX = 'byReminder';
export const CALL_URLS_BY_OWNER_INDEX = 'byOwner';
export const CALLS_BY_OWNER_INDEX = 'byOwner';
export const CALLS_RINGING_INDEX = 'ringing';

export const tables: Readonly<Record<TableId, TableDefinition>> = {
  /** One item per room: status, SFU, bound path, version. */
  rooms: {
    id: 'rooms',
    envVar: 'ROOMS_TABLE',
    partitionKey: { name: 'roomId', type: 'S' },
    globalSecondaryIndexes: [
      // Finds AVAILABLE rooms to claim and STARTING rooms to reconcile with a Query, never a Scan.
      {
        indexName: ROOMS_BY_STATUS_INDEX,
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
    ttlAttribute: 'expiresAt',
  },
  /** One item per bound URL path -> room id. Its existence is what makes a claim exclusive. */
  paths: {
    id: 'paths',
    envVar: 'PATHS_TABLE',
    partitionKey: { name: 'urlPath', type: 'S' },
    globalSecondaryIndexes: [],
  },
  /** Counters and leases: the live-room count behind MAX_ROOMS, the warm-pool reconciler's lease. */
  counters: {
    id: 'counters',
    envVar: 'COUNTERS_TABLE',
    partitionKey: { name: 'name', type: 'S' },
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  /** One item per WebSocket connection: its token's grants, and what it identified as. */
  connections: {
    id: 'connections',
    envVar: 'CONNECTIONS_TABLE',
    partitionKey: { name: 'connectionId', type: 'S' },
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  /** One item per identified peer of a room (clients and the SFU): a Query on roomId lists a room. */
  peers: {
    id: 'peers',
    envVar: 'PEERS_TABLE',
    partitionKey: { name: 'roomId', type: 'S' },
    sortKey: { name: 'peerId', type: 'S' },
    globalSecondaryIndexes: [
      // Sparse: only peers whose connection dropped carry `lost`; the reconciler finds those whose
      // reconnect grace ran out with a Query, never a Scan.
      { indexName: PEERS_LOST_INDEX, partitionKey: { name: 'lost', type: 'S' }, sortKey: { name: 'lostAt', type: 'N' } },
    ],
    ttlAttribute: 'expiresAt',
  },
  /** One item per service client (OAuth 2.0 client credentials): name, scopes, scrypt hash of its secret. */
  clients: {
    id: 'clients',
    envVar: 'CLIENTS_TABLE',
    partitionKey: { name: 'clientId', type: 'S' },
    globalSecondaryIndexes: [],
  },
  /** One item per share ticket: the room it opens, its expiry (TTL) and its use count. */
  tickets: {
    id: 'tickets',
    envVar: 'TICKETS_TABLE',
    partitionKey: { name: 'ticketId', type: 'S' },
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  /** One item per user endpoint (a device or tab registered for pushed events): owner, keepalive window, connection. */
  endpoints: {
    id: 'endpoints',
    envVar: 'ENDPOINTS_TABLE',
    partitionKey: { name: 'userEndpointId', type: 'S' },
    globalSecondaryIndexes: [
      // sendEvent without an endpoint id: a user's endpoints with a Query on `organizationId#userId`
      { indexName: ENDPOINTS_BY_USER_INDEX, partitionKey: { name: 'userKey', type: 'S' }, sortKey: { name: 'userEndpointId', type: 'S' } },
      // the expiry sweep: endpoints whose keepalive window closed, oldest first (every endpoint carries
      // `live#<shard>`: keepalives rewrite the deadline, so the index is spread over a few partitions)
      { indexName: ENDPOINTS_DEADLINE_INDEX, partitionKey: { name: 'live', type: 'S' }, sortKey: { name: 'deadlineMs', type: 'N' } },
      // Sparse: only endpoints with a keepalive reminder still to send carry `reminder` (`due#<shard>`)
      { indexName: ENDPOINTS_REMINDER_INDEX, partitionKey: { name: 'reminder', type: 'S' }, sortKey: { name: 'remindAtMs', type: 'N' } },
    ],
    ttlAttribute: 'expiresAt',
  },
  /** qos-1 events not yet acknowledged, per endpoint registration (`userEndpointId#generation`), in event-id (time) order. */
  endpointEvents: {
    id: 'endpointEvents',
    envVar: 'ENDPOINT_EVENTS_TABLE',
    partitionKey: { name: 'endpointKey', type: 'S' },
    sortKey: { name: 'eventId', type: 'S' },
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  /** One item per call URL: its owner, whom it is for, its expiry (TTL), revocation, and the call ringing from it. */
  callUrls: {
    id: 'callUrls',
    envVar: 'CALL_URLS_TABLE',
    partitionKey: { name: 'callToken', type: 'S' },
    globalSecondaryIndexes: [
      // GET /call-url: an owner's links, newest first (`ownerKey`: organisation and user)
      { indexName: CALL_URLS_BY_OWNER_INDEX, partitionKey: { name: 'ownerKey', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
    ],
    ttlAttribute: 'expiresAt',
  },
  /** One item per call made from a call URL: its room, its status, its ringing deadline; kept a week (TTL). */
  calls: {
    id: 'calls',
    envVar: 'CALLS_TABLE',
    partitionKey: { name: 'callId', type: 'S' },
    globalSecondaryIndexes: [
      // GET /calls: an owner's calls, newest first
      { indexName: CALLS_BY_OWNER_INDEX, partitionKey: { name: 'ownerKey', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
      // Sparse: only ringing calls carry `ringing`; the sweep finds those past their deadline with a Query
      { indexName: CALLS_RINGING_INDEX, partitionKey: { name: 'ringing', type: 'S' }, sortKey: { name: 'ringUntilMs', type: 'N' } },
    ],
    ttlAttribute: 'expiresAt',
  },
};

export const tableList: readonly TableDefinition[] = Object.values(tables);
