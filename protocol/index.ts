/**
 * Message and request schemas shared by the lambdas, the SFU task and the web client.
 * One module: every shape on the wire is defined here and nowhere else.
 */
import { z } from 'zod';

import { PEER_ID_PATTERN } from './mediaStream.ts';
import { URL_PATH_PATTERN, URL_PATH_RULE } from './urlPath.ts';

export { URL_PATH_PATTERN, URL_PATH_RULE };

/** A room's URL path, e.g. `team-standup` for `https://<site>/team-standup`. */
export const urlPathSchema = z
  .string({
    error: (issue) => (issue.input === undefined || issue.input === null ? 'missing urlPath' : 'urlPath must be a string'),
  })
  .min(1, { error: 'missing urlPath' })
  .regex(URL_PATH_PATTERN, { error: URL_PATH_RULE });

export const getRoomIdQuerySchema = z.object({ urlPath: urlPathSchema });
export type GetRoomIdQuery = z.infer<typeof getRoomIdQuerySchema>;

export const claimRoomBodySchema = z.object({ urlPath: urlPathSchema });
export type ClaimRoomBody = z.infer<typeof claimRoomBodySchema>;

export interface RoomIdResponse {
  roomId: string;
}

export interface CreateRoomResponse {
  message: 'Task started successfully!';
  roomId: string;
}

/** Every HTTP error body. */
export interface ErrorResponse {
  message: string;
}

export const ROOM_STATUSES = ['STARTING', 'AVAILABLE', 'CLAIMED', 'CLOSED'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

/** The first issue's message of a failed parse, for a 400 body. */
export function firstIssueMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? issue.message : 'invalid request';
}

// ---------------------------------------------------------------------------------------------
// Web client configuration: /config.json next to the client (the local gateway serves it; in AWS
// it is written next to the client in S3 at deploy)

export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Scopes the web client asks a sign-in provider for, unless the deployment says otherwise. */
export const DEFAULT_SIGN_IN_SCOPE = 'openid profile email';

/** Sign-in with the deployment's OpenID Connect provider (authorization code flow with PKCE). */
export interface SignInConfig {
  /** The provider's issuer URL (its discovery document is at {issuer}/.well-known/openid-configuration). */
  issuer: string;
  /** The web client's (public) client id at that provider: the `aud` of the ID tokens it gets. */
  clientId: string;
  /** Space-separated scopes the client asks for. */
  scope: string;
}

export interface ClientConfig {
  /** Base URL of the HTTP API, without a trailing slash. */
  apiUrl: string;
  /** URL of the WebSocket API. */
  webSocketUrl: string;
  /** STUN/TURN servers for browsers; empty when the deployment has none. */
  iceServers: IceServerConfig[];
  /** Present when people sign in with an OpenID Connect provider. */
  signIn?: SignInConfig;
}

// ---------------------------------------------------------------------------------------------
// Tokens

export const TOKEN_AUDIENCE = 'video-rooms';
/** Roles of room tokens (the WebSocket API's): a participant or the room's SFU. */
export const TOKEN_ROLES = ['participant', 'sfu'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/**
 * How a participant token was obtained: from the room's URL (anyone), from a share ticket, by a
 * service client, or by a call from a call URL (its caller, and its owner accepting). A room open only
 * to ticket holders admits every kind but `url`.
 */
export const TOKEN_VIAS = ['url', 'ticket', 'service', 'call'] as const;
export type TokenVia = (typeof TOKEN_VIAS)[number];

/** Claims of the room tokens this system mints (RS256 JWTs). `sub` is the peer id the holder identifies as. */
export interface RoomTokenClaims {
  sub: string;
  room: string;
  role: TokenRole;
  /** Participant tokens only; absent on tokens minted before it existed (read as `url`). */
  via?: TokenVia;
}

/** Scopes a service client (or an external issuer's token) can hold. */
export const SCOPES = ['rooms:create', 'rooms:admin', 'events:send'] as const;
export type Scope = (typeof SCOPES)[number];

/** Claims of a service client's access token (OAuth 2.0 client credentials). `sub` is the client id. */
export interface ServiceTokenClaims {
  sub: string;
  role: 'service';
  /** Space-separated scopes, as OAuth 2.0 writes them. */
  scope: string;
}

export type TokenClaims = RoomTokenClaims | ServiceTokenClaims;

/** getRoomId / claimRoom responses add a participant token for the room and the peer id it is bound to. */
export interface RoomAccessResponse extends RoomIdResponse {
  token: string;
  peerId: string;
  /** Epoch seconds the token stops being accepted at `$connect`. */
  expiresAt: number;
  /** True for the caller whose claim bound the path: it may change the room's access policy. */
  creator?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Room access policy: `open` (anyone with the URL) or `ticket` (holders of a share ticket)

export const ROOM_ACCESS_POLICIES = ['open', 'ticket'] as const;
export type RoomAccessPolicy = (typeof ROOM_ACCESS_POLICIES)[number];

export const updateRoomBodySchema = z
  .object({
    access: z.enum(ROOM_ACCESS_POLICIES, { error: 'access must be "open" or "ticket"' }),
  })
  .strict();
export type UpdateRoomBody = z.infer<typeof updateRoomBodySchema>;

export const roomIdPathSchema = z.object({
  roomId: z.string().min(1, { error: 'missing roomId' }).max(128, { error: 'roomId is too long' }),
});

export interface UpdateRoomResponse {
  roomId: string;
  access: RoomAccessPolicy;
}

// ---------------------------------------------------------------------------------------------
// Share tickets: a link that lets whoever holds it join a room, for a while

/** Link ids (tickets, call tokens, calls): 16 URL-safe characters (96 random bits). */
export const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;
export const TICKET_ID_PATTERN = LINK_ID_PATTERN;

/** A link id in a path parameter, named `name` in its error. */
const linkId = (name: string) =>
  z
    .string({ error: `missing ${name}` })
    .regex(LINK_ID_PATTERN, { error: `${name} must be 16 characters of A-Z, a-z, 0-9, "-" or "_"` });
export const MIN_TICKET_SECONDS = 60;
export const MAX_TICKET_SECONDS = 30 * 86_400;
export const MAX_TICKET_USES = 10_000;

export const createTicketBodySchema = z
  .object({
    urlPath: urlPathSchema.optional(),
    roomId: z.string().min(1, { error: 'roomId is empty' }).max(128, { error: 'roomId is too long' }).optional(),
    validSeconds: z
      .number({ error: 'validSeconds must be a number of seconds' })
      .int({ error: 'validSeconds must be a whole number of seconds' })
      .min(MIN_TICKET_SECONDS, { error: `validSeconds must be at least ${MIN_TICKET_SECONDS}` })
      .max(MAX_TICKET_SECONDS, { error: `validSeconds must be at most ${MAX_TICKET_SECONDS}` }),
    maxUses: z
      .number({ error: 'maxUses must be a number' })
      .int({ error: 'maxUses must be a whole number' })
      .min(1, { error: 'maxUses must be at least 1' })
      .max(MAX_TICKET_USES, { error: `maxUses must be at most ${MAX_TICKET_USES}` })
      .optional(),
  })
  .strict()
  .refine((b) => (b.urlPath === undefined) !== (b.roomId === undefined), { error: 'give exactly one of urlPath and roomId' });
export type CreateTicketBody = z.infer<typeof createTicketBodySchema>;

export const ticketIdPathSchema = z.object({ ticketId: linkId('ticketId') });

export interface CreateTicketResponse {
  ticketId: string;
  /** `<site>/t/<ticketId>`: the link to share. */
  url: string;
  /** ISO-8601 instant the ticket stops opening the room. */
  expiresAt: string;
}

/** GET /tickets/{ticketId}: the room a ticket opens. */
export interface TicketResponse {
  ticketId: string;
  roomId: string;
  urlPath: string;
  expiresAt: string;
  /** Uses left; absent when the ticket has no use limit. */
  usesLeft?: number;
}

/** POST /tickets/{ticketId}/redeem: a participant token for the ticket's room. */
export interface RedeemTicketResponse extends RoomAccessResponse {
  urlPath: string;
}

// ---------------------------------------------------------------------------------------------
// Call URLs (the Mozilla Loop flow): a signed-in owner makes a link that rings them; whoever holds it
// calls; the owner's endpoints ring; the owner accepts (both are then in one room) or declines; a call
// nobody answers in time is missed.

export const MIN_CALL_URL_SECONDS = 60;
export const MAX_CALL_URL_SECONDS = 30 * 86_400;
export const MAX_REMOTE_ID_CHARS = 128;
/** Calls listed by GET /calls at most (and by default). */
export const MAX_LISTED_CALLS = 100;

/** POST /call-url (Loop's field names). */
export const createCallUrlBodySchema = z
  .object({
    /** Who the link is for: shown to the owner with each call it makes. */
    remote_id: z
      .string({ error: (i) => (i.input === undefined ? 'missing remote_id' : 'remote_id must be a string') })
      .trim()
      .min(1, { error: 'remote_id is empty' })
      .max(MAX_REMOTE_ID_CHARS, { error: `remote_id is longer than ${MAX_REMOTE_ID_CHARS} characters` }),
    /** Seconds the link calls for. */
    valid_duration: z
      .number({ error: (i) => (i.input === undefined ? 'missing valid_duration' : 'valid_duration must be a number of seconds') })
      .int({ error: 'valid_duration must be a whole number of seconds' })
      .min(MIN_CALL_URL_SECONDS, { error: `valid_duration must be at least ${MIN_CALL_URL_SECONDS}` })
      .max(MAX_CALL_URL_SECONDS, { error: `valid_duration must be at most ${MAX_CALL_URL_SECONDS}` }),
  })
  .strict();
export type CreateCallUrlBody = z.infer<typeof createCallUrlBodySchema>;

export interface CreateCallUrlResponse {
  /** `<site>/c/<callToken>`: the link to give. */
  callUrl: string;
  callToken: string;
  /** ISO-8601 instant the link stops calling. */
  expiresAt: string;
}

/** GET /call-url: the owner's links that still call, newest first. */
export interface CallUrlSummary extends CreateCallUrlResponse {
  remoteId: string;
  createdAt: string;
}
export interface CallUrlListResponse {
  callUrls: CallUrlSummary[];
}

export const callTokenPathSchema = z.object({ token: linkId('token') });
export const callIdPathSchema = z.object({ callId: linkId('callId') });

/** GET /calls/{token}: whom the link calls, and whether it still does. */
export interface CallUrlResponse {
  callToken: string;
  /** The owner's name: "Call <callee>". */
  callee: string;
  remoteId: string;
  expiresAt: string;
  valid: boolean;
  /** Why it no longer calls. */
  reason?: 'expired' | 'revoked';
}

/** POST /calls/{token}: the caller may give a name for the owner to see. */
export const placeCallBodySchema = z
  .object({
    displayName: z
      .string({ error: 'displayName must be a string' })
      .trim()
      .min(1, { error: 'displayName is empty' })
      .max(64, { error: 'displayName is longer than 64 characters' })
      .optional(),
  })
  .strict();
export type PlaceCallBody = z.infer<typeof placeCallBodySchema>;

/** ringing -> accepted | declined | missed (nobody answered in time) | cancelled (the caller hung up). */
export const CALL_STATUSES = ['ringing', 'accepted', 'declined', 'missed', 'cancelled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** GET /calls/id/{callId}, and each of GET /calls. */
export interface CallResponse {
  callId: string;
  status: CallStatus;
  /** Whom the call URL was for (the owner's label for it). */
  remoteId: string;
  /** The name the caller gave, if any. */
  callerName?: string;
  callee: string;
  createdAt: string;
  /** ISO-8601 instant an unanswered call becomes missed. */
  ringingUntil: string;
  /** When it was accepted, declined, missed or cancelled. */
  endedRingingAt?: string;
}

/** POST /calls/{token}: the call, and the caller's participant token for its room. */
export interface PlaceCallResponse extends RoomAccessResponse, CallResponse {
  urlPath: string;
  /** The owner's live endpoints the call rang (0: nobody is reachable; it will be missed). */
  endpoints: number;
}

/** POST /calls/id/{callId}/accept: the owner's participant token for the call's room. */
export interface AcceptCallResponse extends RoomAccessResponse, CallResponse {
  urlPath: string;
}

/** GET /calls?status=ringing,missed&limit=20 */
export const listCallsQuerySchema = z
  .object({
    status: z
      .string()
      .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(CALL_STATUSES, { error: `status must be a comma-separated list of ${CALL_STATUSES.join(', ')}` })))
      .optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int({ error: 'limit must be a whole number' })
      .min(1, { error: 'limit must be at least 1' })
      .max(MAX_LISTED_CALLS, { error: `limit must be at most ${MAX_LISTED_CALLS}` })
      .optional(),
  })
  .strict();
export type ListCallsQuery = z.infer<typeof listCallsQuerySchema>;

export interface CallListResponse {
  /** Newest first. */
  calls: CallResponse[];
}

/** Pushed (qos 1) to every live endpoint of a call URL's owner when someone calls. */
export interface IncomingCallEvent {
  type: 'IncomingCallEvent';
  timestamp: string;
  callId: string;
  /** What to show: the caller's name, else the call URL's remote_id. */
  from: string;
  remoteId: string;
  callerName?: string;
  ringingUntil: string;
}

/** Pushed (best effort) to the owner's endpoints when a call stops ringing: other tabs stop ringing too. */
export interface CallStatusEvent {
  type: 'CallStatusEvent';
  timestamp: string;
  callId: string;
  status: Exclude<CallStatus, 'ringing'>;
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.0 client credentials (RFC 6749 section 4.4): POST /security/oauth/token

export const OAUTH_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'] as const;
export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number];

export interface OAuthTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface OAuthErrorResponse {
  error: OAuthErrorCode;
  error_description: string;
}

// ---------------------------------------------------------------------------------------------
// WebSocket API: client/SFU -> server frames (route selection on `action`)

/** Largest WebSocket message API Gateway accepts (128 KB). */
export const MAX_WS_MESSAGE_BYTES = 128 * 1024;

export { PEER_ID_PATTERN };
export { mediaStreamId, parseMediaStreamId, type TrackSource } from './mediaStream.ts';
const peerId = (name: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `missing ${name}` : `${name} must be a string`) })
    .regex(PEER_ID_PATTERN, { error: `${name} must be 1-64 characters of A-Z, a-z, 0-9, "-" or "_"` });
const roomIdField = z
  .string({ error: (i) => (i.input === undefined ? 'missing roomId' : 'roomId must be a string') })
  .min(1, { error: 'missing roomId' })
  .max(128, { error: 'roomId is too long' });

export const PEER_TYPES = ['client', 'sfu'] as const;
export type PeerType = (typeof PEER_TYPES)[number];

export const identifyDataSchema = z.object({
  id: peerId('id'),
  roomId: roomIdField,
  type: z.enum(PEER_TYPES, { error: 'Missing valid type property' }),
  displayName: z.string().max(64, { error: 'displayName is longer than 64 characters' }).optional(),
});
export type IdentifyData = z.infer<typeof identifyDataSchema>;

/** RTCSessionDescriptionInit, checked for shape (the SDP itself is the media engine's to judge). */
export const sessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback'], { error: 'description.type must be offer or answer' }),
  sdp: z.string().max(64 * 1024, { error: 'description.sdp is too large' }).optional(),
});

/** RTCIceCandidateInit; `candidate: ""` is the end-of-candidates marker. */
export const iceCandidateSchema = z.object({
  candidate: z.string().max(1024, { error: 'candidate is too long' }),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/**
 * The two peer connections of a client, whatever the room size: `producer` (the client publishes; it
 * always offers) and `consumer` (the client receives everyone else's media on it; the SFU always
 * offers, and renegotiates it as remote tracks come and go). Renegotiations of one connection are
 * serialized, so there is no glare.
 */
export const HANDSHAKE_TYPES = ['producer', 'consumer'] as const;

/**
 * How a client shows one remote video (`consumer`, from a client): the size it is rendered at, in CSS
 * pixels, and whether it is on screen. The SFU picks the simulcast layer from it, and pauses what
 * nobody sees.
 */
export const videoViewSchema = z
  .object({
    peerId: peerId('videoViews[].peerId'),
    source: z.enum(['camera', 'screen'], { error: 'videoViews[].source must be "camera" or "screen"' }),
    width: z.number({ error: 'videoViews[].width must be a number' }).int().min(0).max(16_384),
    height: z.number({ error: 'videoViews[].height must be a number' }).int().min(0).max(16_384),
    visible: z.boolean({ error: 'videoViews[].visible must be a boolean' }),
  })
  .strict();
export type VideoView = z.infer<typeof videoViewSchema>;
export const MAX_VIDEO_VIEWS = 64;

/** A client's connection quality as the SFU sees it (`consumer`, from the SFU, every few seconds). */
export const connectionQualitySchema = z
  .object({
    /** Round-trip time between the SFU and the client. */
    rttMs: z.number().min(0).optional(),
    /** Bit rate the SFU sends the client (its downlink). */
    sendKbps: z.number().min(0),
    /** Bit rate the SFU receives from the client (its uplink). */
    recvKbps: z.number().min(0),
    /** Packets of the client's media lost on the way to the SFU, in percent. */
    lossPercent: z.number().min(0).max(100).optional(),
    /** The SFU's estimate of the client's downlink (transport-cc), where the engine has one. */
    availableKbps: z.number().min(0).optional(),
  })
  .strict();
export type ConnectionQuality = z.infer<typeof connectionQualitySchema>;

export const handshakeDataSchema = z
  .object({
    type: z.enum(HANDSHAKE_TYPES, { error: 'handshake type must be "producer" or "consumer"' }),
    sender: peerId('sender'),
    receiver: peerId('receiver').optional(),
    description: sessionDescriptionSchema.optional(),
    candidate: iceCandidateSchema.nullable().optional(),
    /** consumer, from a client: its receiving connection lost its path; the SFU offers again with new ICE credentials. */
    iceRestart: z.boolean({ error: 'iceRestart must be a boolean' }).optional(),
    /**
     * producer, from the SFU: the client's publishing connection failed at the SFU (its tracks are
     * off everyone's receiving connection): publish again on a new connection.
     */
    publishAgain: z.literal(true, { error: 'publishAgain must be true' }).optional(),
    /** consumer, from a client: how it shows each remote video (every one it shows; the latest list wins). */
    videoViews: z.array(videoViewSchema).max(MAX_VIDEO_VIEWS, { error: `at most ${MAX_VIDEO_VIEWS} videoViews` }).optional(),
    /** consumer, from the SFU: the room's dominant speaker changed (null: nobody speaks). */
    dominantSpeaker: peerId('dominantSpeaker').nullable().optional(),
    /** consumer, from the SFU: this client's connection quality. */
    quality: connectionQualitySchema.optional(),
    roomId: roomIdField,
  })
  .loose();
export type HandshakeData = z.infer<typeof handshakeDataSchema>;


/**
 * EventBridge's "ECS Task State Change" event, the fields the stopped-task handler reads (AWS sends
 * more; so does the local ECS stand-in, in the same shape).
 */
export const taskStateChangeEventSchema = z
  .object({
    source: z.literal('aws.ecs', { error: 'source must be aws.ecs' }),
    'detail-type': z.literal('ECS Task State Change', { error: 'detail-type must be "ECS Task State Change"' }),
    detail: z
      .object({
        taskArn: z.string({ error: 'detail.taskArn is required' }).min(1).max(2048),
        lastStatus: z.string({ error: 'detail.lastStatus is required' }).max(64),
        startedBy: z.string().max(128).optional(),
        stoppedReason: z.string().max(1024).optional(),
      })
      .loose(),
  })
  .loose();
export type TaskStateChangeEvent = z.infer<typeof taskStateChangeEventSchema>;

export const MESSAGE_KINDS = ['chat', 'features'] as const;
export const MAX_CHAT_CHARS = 2000;

/** State a client shares with the room: mute, camera off, screen share, a raised hand. */
export const participantFeaturesSchema = z
  .object({
    audioMuted: z.boolean().optional(),
    videoMuted: z.boolean().optional(),
    screenSharing: z.boolean().optional(),
    handRaised: z.boolean().optional(),
  })
  .strict();
export type ParticipantFeatures = z.infer<typeof participantFeaturesSchema>;

export const roomMessageDataSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('chat'),
      text: z
        .string({ error: 'chat text must be a string' })
        .min(1, { error: 'chat text is empty' })
        .max(MAX_CHAT_CHARS, { error: `chat text is longer than ${MAX_CHAT_CHARS} characters` }),
    }),
    z.object({ kind: z.literal('features'), features: participantFeaturesSchema }),
  ],
  { error: 'message kind must be "chat" or "features"' },
);
export type RoomMessageData = z.infer<typeof roomMessageDataSchema>;

export const WS_ACTIONS = ['identify', 'handshake', 'message', 'keepalive', 'ack'] as const;
export type WsAction = (typeof WS_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------
// WebSocket API: server -> client/SFU frames

/** Sent back to the sender of a bad frame; the handler returns the same status to the gateway. */
export interface ErrorFrame {
  type: 'error';
  action: string;
  status: number;
  message: string;
}

/** A relayed handshake: `data` as the sender sent it. */
export interface HandshakeFrame {
  type: 'handshake';
  data: HandshakeData;
}

/** To the SFU when a client leaves (disconnects). */
export interface LeaveFrame {
  type: 'leave';
  sender: string;
}

/** A room message relayed to the other clients. */
export interface RoomMessageFrame {
  type: 'message';
  sender: string;
  roomId: string;
  data: RoomMessageData;
  /** Present for `features`: the room version the change produced. */
  version?: number;
}

export interface ParticipantInfo {
  id: string;
  type: PeerType;
  displayName?: string;
  features: ParticipantFeatures;
  joinedAt: string;
}

interface RoomEventBase {
  /** ISO-8601 instant. */
  timestamp: string;
  roomId: string;
  /** The room version this change produced. */
  version: number;
}

export type RoomEvent =
  | (RoomEventBase & { type: 'ParticipantJoinedEvent'; participant: ParticipantInfo })
  | (RoomEventBase & { type: 'ParticipantLeftEvent'; participantId: string })
  | (RoomEventBase & { type: 'ParticipantUpdatedEvent'; participant: ParticipantInfo })
  | (RoomEventBase & { type: 'RoomClaimedEvent'; urlPath: string })
  | (RoomEventBase & { type: 'RoomClosedEvent'; reason: string; cause: RoomCloseCause });

/**
 * Why a room closed: `ended` (it was closed on purpose: an administrator, an idle timeout, a call
 * that ended) or `server-gone` (its media server went away: its task stopped, its worker died, its
 * connection was lost for good, or it idled out just as people joined). After `server-gone` a client
 * rejoins the same URL by itself.
 */
export type RoomCloseCause = 'ended' | 'server-gone';

/**
 * The close code an SFU uses for a deliberate close because its server is going away (SIGTERM, a
 * dead media worker): its room closes at once, as with 1000, with cause `server-gone`.
 */
export const SFU_GOING_AWAY_CLOSE_CODE = 4001;

export interface EventFrame {
  type: 'event';
  event: RoomEvent;
}

/** To a peer whose identify succeeded: from now on its handshakes and messages are accepted. */
export interface IdentifiedFrame {
  type: 'identified';
  id: string;
  roomId: string;
  peerType: PeerType;
  /** The room version after this identify (a join bumps it). */
  version: number;
  /**
   * True when this peer was still in the room (a reconnect within the grace period): its media
   * connections with the SFU are intact. False for a new join: any old media connections are gone.
   */
  resumed: boolean;
}

export type ServerFrame = ErrorFrame | HandshakeFrame | LeaveFrame | RoomMessageFrame | EventFrame | IdentifiedFrame;

/** GET /rooms/{roomId}: the room's state and version. */
export interface RoomStateResponse {
  roomId: string;
  status: RoomStatus;
  version: number;
  urlPath?: string;
  access: RoomAccessPolicy;
  participants: ParticipantInfo[];
}

// ---------------------------------------------------------------------------------------------
// User endpoints (as in the Auvious RTC API): a user's device or tab registers an endpoint, keeps it
// alive, and receives events pushed to it over the WebSocket API. Every 400 of these routes is a JSON
// object mapping each bad field to a message.

export const USER_ENDPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MIN_KEEPALIVE_SECONDS = 5;
export const MAX_KEEPALIVE_SECONDS = 3600;
export const MAX_EVENT_MASKS = 32;
/** `ParticipantCallingEvent`: a capital first letter, letters and digits (camel case), ending in `Event`. */
export const EVENT_TYPE_PATTERN = /^[A-Z][A-Za-z0-9]*Event$/;
/** qos 1: at least once (kept until acknowledged); anything else: best effort. */
export const QOS_AT_LEAST_ONCE = 1;

const userEndpointIdSchema = z
  .string({ error: (i) => (i.input === undefined ? 'userEndpointId is required' : 'userEndpointId must be a string') })
  .regex(USER_ENDPOINT_ID_PATTERN, { error: 'userEndpointId must be 1-64 characters of A-Z, a-z, 0-9, "-" or "_"' });

const requiredString = (name: string, max = 256) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${name} is required` : `${name} must be a string`) })
    .min(1, { error: `${name} is empty` })
    .max(max, { error: `${name} is longer than ${max} characters` });

/** POST /rtc-api/users/endpoints and /rtc-api/users/endpoints/register. */
export const registerEndpointBodySchema = z
  .object({
    userEndpointId: userEndpointIdSchema.optional(),
    keepAliveSeconds: z
      .number({ error: (i) => (i.input === undefined ? 'keepAliveSeconds is required' : 'keepAliveSeconds must be a number of seconds') })
      .int({ error: 'keepAliveSeconds must be a whole number of seconds' })
      .min(MIN_KEEPALIVE_SECONDS, { error: `keepAliveSeconds must be at least ${MIN_KEEPALIVE_SECONDS}` })
      .max(MAX_KEEPALIVE_SECONDS, { error: `keepAliveSeconds must be at most ${MAX_KEEPALIVE_SECONDS}` }),
    serverKeepAliveReminderOn: z.boolean({ error: 'serverKeepAliveReminderOn must be true or false' }).optional(),
  })
  .strict();
export type RegisterEndpointBody = z.infer<typeof registerEndpointBodySchema>;

/** POST /rtc-api/users/endpoints/register answers `{id}` (POST /rtc-api/users/endpoints the id as a JSON string). */
export interface RegisterEndpointResponse {
  id: string;
}

export const unregisterEndpointBodySchema = z
  .object({
    userEndpointId: userEndpointIdSchema,
    reason: z.string({ error: 'reason must be a string' }).max(256, { error: 'reason is longer than 256 characters' }).optional(),
  })
  .strict();
export type UnregisterEndpointBody = z.infer<typeof unregisterEndpointBodySchema>;

export const keepAliveEndpointBodySchema = z.object({ userEndpointId: userEndpointIdSchema }).strict();
export type KeepAliveEndpointBody = z.infer<typeof keepAliveEndpointBodySchema>;

/** A pushed event: at least `type` and `timestamp`; any other fields are the event's own. */
export const userEventSchema = z
  .object(
    {
      type: z
        .string({ error: (i) => (i.input === undefined ? 'type is required' : 'type must be a string') })
        .max(128, { error: 'type is longer than 128 characters' })
        .regex(EVENT_TYPE_PATTERN, { error: 'type must be camel case with a capital first letter and end in "Event"' }),
      timestamp: z.iso.datetime({
        offset: true,
        error: (i) => (i.input === undefined ? 'timestamp is required' : 'timestamp must be an ISO-8601 instant'),
      }),
    },
    { error: (i) => (i.input === undefined ? 'event is required' : 'event must be an object') },
  )
  .loose();
export type UserEvent = z.infer<typeof userEventSchema>;

/** POST /rtc-api/users/endpoints/sendEvent: answers the number of endpoints the event was sent to. */
export const sendEventBodySchema = z
  .object({
    userId: requiredString('userId'),
    organizationId: requiredString('organizationId').optional(),
    userEndpointId: userEndpointIdSchema.optional(),
    event: userEventSchema,
    /** JSONPath expressions: their string values become `*`s in every stored or logged copy. */
    masks: z
      .array(requiredString('mask', 512), { error: 'masks must be a list of JSONPath expressions' })
      .max(MAX_EVENT_MASKS, { error: `masks holds more than ${MAX_EVENT_MASKS} expressions` })
      .optional(),
    qos: z.number({ error: 'qos must be a number' }).int({ error: 'qos must be a whole number' }).optional(),
  })
  .strict();
export type SendEventBody = z.infer<typeof sendEventBodySchema>;

/** identify as a user endpoint: `{type: "endpoint", id}` (no room). */
export const endpointIdentifyDataSchema = z.object({ type: z.literal('endpoint'), id: userEndpointIdSchema });
export type EndpointIdentifyData = z.infer<typeof endpointIdentifyDataSchema>;

/** What an identify frame's `data` may be: a room peer (client, sfu) or a user endpoint. */
export const anyIdentifyDataSchema = z.discriminatedUnion('type', [identifyDataSchema, endpointIdentifyDataSchema], {
  error: 'Missing valid type property',
});

/** ack {eventId}: the endpoint has a qos-1 event; it is not delivered again. */
export const ackDataSchema = z.object({
  eventId: z
    .string({ error: (i) => (i.input === undefined ? 'missing eventId' : 'eventId must be a string') })
    .min(1, { error: 'missing eventId' })
    .max(128, { error: 'eventId is too long' }),
});
export type AckData = z.infer<typeof ackDataSchema>;

/** A pushed event as delivered: the sender's event with the server's `eventId` (duplicates keep it). */
export interface UserEventFrame {
  type: 'event';
  event: UserEvent & { eventId: string };
}

/** To an endpoint whose identify succeeded; its pending qos-1 events follow. */
export interface EndpointIdentifiedFrame {
  type: 'identified';
  id: string;
  peerType: 'endpoint';
}

/** Sent by the server before an endpoint's keepalive window closes (endpoints registered with the reminder on). */
export interface UserEndpointKeepAliveReminderEvent {
  type: 'UserEndpointKeepAliveReminderEvent';
  timestamp: string;
  eventId: string;
  userEndpointId: string;
  /** ISO-8601 instant the endpoint expires without a keepalive. */
  expiresAt: string;
}

/** Frames the server sends to user endpoint connections. */
export type EndpointServerFrame = UserEventFrame | EndpointIdentifiedFrame | ErrorFrame;

/** Each bad field -> its message (every 400 of the user endpoint routes). */
export function fieldIssues(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) fields[[...issue.path.map(String), k].join('.')] ??= 'unknown field';
      continue;
    }
    fields[key] ??= issue.message;
  }
  return fields;
}
