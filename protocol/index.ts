/**
 * Message and request schemas shared by the lambdas, the SFU task and the web client.
 * One module: every shape on the wire is defined here and nowhere else.
 */
import { z } from 'zod';

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

export interface ClientConfig {
  /** Base URL of the HTTP API, without a trailing slash. */
  apiUrl: string;
  /** URL of the WebSocket API. */
  webSocketUrl: string;
  /** STUN/TURN servers for browsers; empty when the deployment has none. */
  iceServers: IceServerConfig[];
}

// ---------------------------------------------------------------------------------------------
// Tokens

export const TOKEN_AUDIENCE = 'video-rooms';
export const TOKEN_ROLES = ['participant', 'sfu'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Claims of the tokens this system mints (RS256 JWTs). `sub` is the peer id the holder identifies as. */
export interface RoomTokenClaims {
  sub: string;
  room: string;
  role: TokenRole;
}

/** getRoomId / claimRoom responses add a participant token for the room and the peer id it is bound to. */
export interface RoomAccessResponse extends RoomIdResponse {
  token: string;
  peerId: string;
  /** Epoch seconds the token stops being accepted at `$connect`. */
  expiresAt: number;
}

// ---------------------------------------------------------------------------------------------
// WebSocket API: client/SFU -> server frames (route selection on `action`)

/** Largest WebSocket message API Gateway accepts (128 KB). */
export const MAX_WS_MESSAGE_BYTES = 128 * 1024;

export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
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

export const HANDSHAKE_TYPES = ['producer', 'consumer'] as const;

export const handshakeDataSchema = z
  .object({
    type: z.enum(HANDSHAKE_TYPES, { error: 'handshake type must be "producer" or "consumer"' }),
    sender: peerId('sender'),
    receiver: peerId('receiver').optional(),
    remotePeerId: peerId('remotePeerId').optional(),
    description: sessionDescriptionSchema.optional(),
    candidate: iceCandidateSchema.nullable().optional(),
    roomId: roomIdField,
  })
  .loose();
export type HandshakeData = z.infer<typeof handshakeDataSchema>;

export const MESSAGE_KINDS = ['chat', 'features'] as const;
export const MAX_CHAT_CHARS = 2000;

/** Published-media state a client shares with the room (mute, camera off, screen share). */
export const participantFeaturesSchema = z
  .object({
    audioMuted: z.boolean().optional(),
    videoMuted: z.boolean().optional(),
    screenSharing: z.boolean().optional(),
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

export const WS_ACTIONS = ['identify', 'handshake', 'message', 'keepalive'] as const;
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
  | (RoomEventBase & { type: 'RoomClosedEvent'; reason: string });

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
  participants: ParticipantInfo[];
}
