/**
 * The signaling domain: who may connect, identify into which room as what, and where each frame goes.
 * Every lookup is a GetItem on a key or a Query on one room's partition: cost does not grow with the
 * number of rooms or connections.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  HandshakeData,
  IdentifyData,
  ParticipantInfo,
  RoomCloseCause,
  RoomEvent,
  RoomMessageData,
  RoomStateResponse,
  ServerFrame,
} from '../../../protocol/index.ts';
import { SFU_GOING_AWAY_CLOSE_CODE } from '../../../protocol/index.ts';
import { type Clock, epochSeconds, isoAt } from '../clock.ts';
import { BadRequestError, ConflictError, ForbiddenError, GoneError, NotFoundError, TicketRequiredError, UnauthorizedError } from '../errors.ts';
import { hasScope, type Principal } from '../auth/principal.ts';
import type { Room } from '../rooms/room.ts';
import { LIVE_CONNECTIONS_COUNTER, type RoomRepository, type SfuBindingRepository } from '../rooms/roomRepository.ts';
import type { RoomService } from '../rooms/roomService.ts';
import { TASK_STARTED_BY_PREFIX } from '../taskLauncher.ts';
import { InvalidTokenError, type TokenVerifier } from '../tokens/tokenVerifier.ts';
import type { ConnectionNotifier } from './connectionNotifier.ts';
import type { ConnectionRepository } from './connectionRepository.ts';
import type { MembershipRepository, VersionedChange } from './membershipRepository.ts';
import { CONNECTION_LIFETIME_SECONDS, type ConnectionRecord, type IdentifiedConnection, isIdentified, type PeerRecord } from './records.ts';
import { RouteCache } from './routeCache.ts';

export const CONNECTION_NOT_FOUND = 'WebSocket Connection Not Found';
const SFU_ABSENT = 'the room has no SFU connected right now; retry shortly';
/** WebSocket close code 1006: the connection ended without a close frame. */
const ABNORMAL_CLOSURE = 1006;
const VERSION_RETRIES = 20;

/** What the user endpoints (lambdas/core/endpoints) need to hear from the signaling plane. */
export interface EndpointConnectionHooks {
  /** A connection that identified as a user endpoint is gone. */
  connectionClosed(endpointId: string, connectionId: string): Promise<void>;
  /** $connect with a user token for `userEndpointId`: throws (404, 403) unless it is a live endpoint of that user. */
  assertConnectable(userId: string, organizationId: string | undefined, userEndpointId: string): Promise<void>;
}

export interface SignalingDeps {
  /** Optional: without it, endpoint connections are only forgotten. */
  endpoints?: EndpointConnectionHooks;
  connections: ConnectionRepository;
  membership: MembershipRepository;
  roomRepository: RoomRepository;
  sfuBindings: SfuBindingRepository;
  rooms: RoomService;
  verifier: TokenVerifier;
  notifier: ConnectionNotifier;
  clock: Clock;
  logger: Logger;
}

export class SignalingService {
  private readonly cache = new RouteCache();

  constructor(private readonly d: SignalingDeps) {}

  /** $connect: only with a valid token; records what it grants. A user token names the endpoint it connects for. */
  async connect(connectionId: string, token: string | undefined, userEndpointId?: string): Promise<void> {
    const grant = await this.grantOf(token, userEndpointId);
    const nowMs = this.d.clock.nowMs();
    await Promise.all([
      this.d.connections.put({ connectionId, grant, connectedAt: isoAt(nowMs), expiresAt: epochSeconds(nowMs) + CONNECTION_LIFETIME_SECONDS }),
      this.d.roomRepository.addToCounter(LIVE_CONNECTIONS_COUNTER, 1),
    ]);
    this.d.logger.info('connected', { connectionId, roomId: grant.room, peerId: grant.sub, role: grant.role });
  }

  /** identify: binds the connection to {id, roomId, type}, if its token grants exactly that. */
  async identify(connectionId: string, data: IdentifyData): Promise<void> {
    const nowMs = this.d.clock.nowMs();
    const client = data.type === 'client';
    // the connection's grant and, for a client, its peer record and room: read at once (reads only;
    // nothing is written before the grant is checked)
    const [conn, existing, room] = await Promise.all([
      this.d.connections.get(connectionId, nowMs),
      client ? this.d.membership.getPeer(data.roomId, data.id, nowMs) : undefined,
      client ? this.d.roomRepository.getRoom(data.roomId) : undefined,
    ]);
    if (!conn) throw new BadRequestError(CONNECTION_NOT_FOUND);
    const { grant } = conn;
    if (grant.role === 'user') throw new ForbiddenError('a user token identifies only as type "endpoint"');
    const grantedType = grant.role === 'sfu' ? 'sfu' : 'client';
    if (data.type !== grantedType) throw new ForbiddenError(`this token cannot identify as type "${data.type}"`);
    if (data.roomId !== grant.room) throw new ForbiddenError('this token does not grant that room');
    if (data.id !== grant.sub) throw new ForbiddenError('this token does not grant that peer id');
    if (isIdentified(conn) && (conn.peerId !== data.id || conn.roomId !== data.roomId)) {
      throw new ConflictError('this connection has already identified as another peer');
    }
    const { version, resumed, announce } = client
      ? await this.identifyClient(connectionId, grant, data, nowMs, existing, liveRoomOrThrow(room))
      : await this.identifySfu(connectionId, data);
    // the peer learns it is in, and the others that it joined, at the same time
    await Promise.all([
      this.send(connectionId, { type: 'identified', id: data.id, roomId: data.roomId, peerType: data.type, version, resumed }),
      announce?.(),
    ]);
  }

  private async identifySfu(connectionId: string, data: IdentifyData): Promise<Identified> {
    const nowMs = this.d.clock.nowMs();
    const before = await this.d.sfuBindings.bind(data.roomId, data.id, connectionId, isoAt(nowMs));
    if (!before) throw new NotFoundError('Room not found');
    await Promise.all([
      this.d.connections.identify(connectionId, data.id, data.roomId, 'sfu'),
      before.status === 'STARTING' ? this.d.rooms.markAvailable(data.roomId) : undefined,
      // the SFU reconnected: the old connection is superseded (its $disconnect then finds nothing to do)
      before.sfuConnectionId && before.sfuConnectionId !== connectionId ? this.retire(before.sfuConnectionId) : undefined,
    ]);
    this.d.logger.info('sfu identified', { connectionId, roomId: data.roomId, peerId: data.id });
    return { version: before.version, resumed: before.sfuConnectionId !== undefined || before.sfuLostAt !== undefined };
  }

  private async identifyClient(
    connectionId: string,
    grant: ConnectionRecord['grant'],
    data: IdentifyData,
    nowMs: number,
    existing: PeerRecord | undefined,
    room: Room,
  ): Promise<Identified> {
    const expiresAt = epochSeconds(nowMs) + CONNECTION_LIFETIME_SECONDS;
    // a ticket-only room admits ticket and service tokens, its creator, and its members reconnecting
    const via = grant.via ?? 'url';
    if (room.access === 'ticket' && !existing && via === 'url' && room.createdBy !== data.id) throw new TicketRequiredError();
    if (existing) {
      // the same peer on a new connection (a reconnect): no second participant, no event
      await Promise.all([
        this.d.membership.replaceConnection(data.roomId, data.id, connectionId, expiresAt),
        this.d.connections.identify(connectionId, data.id, data.roomId, 'client'),
        existing.connectionId !== connectionId ? this.retire(existing.connectionId) : undefined,
      ]);
      this.d.logger.info('client re-identified', { connectionId, roomId: data.roomId, peerId: data.id });
      return { version: room.version, resumed: true };
    }
    const peer: PeerRecord = {
      roomId: data.roomId,
      peerId: data.id,
      connectionId,
      ...(data.displayName !== undefined && { displayName: data.displayName }),
      features: {},
      joinedAt: isoAt(nowMs),
      expiresAt,
    };
    // one transaction: the room's version, the peer, and the connection's identity
    let current = room;
    const joined = await this.withVersion(
      data.roomId,
      async (r) => {
        current = r;
        return this.d.membership.join(r, peer, connectionId);
      },
      false,
      room,
    );
    this.d.logger.info('client joined', { connectionId, roomId: data.roomId, peerId: data.id, version: joined.version });
    const event: RoomEvent = {
      type: 'ParticipantJoinedEvent',
      timestamp: isoAt(this.d.clock.nowMs()),
      roomId: data.roomId,
      version: joined.version,
      participant: participantInfo(peer),
    };
    return { version: joined.version, resumed: false, announce: () => this.publish(data.roomId, event, data.id, current) };
  }

  /** A connection superseded by its peer's new one: forget it and close it. */
  private async retire(connectionId: string): Promise<void> {
    this.cache.forgetConnection(connectionId);
    if (await this.d.connections.delete(connectionId)) await this.d.roomRepository.addToCounter(LIVE_CONNECTIONS_COUNTER, -1);
    await this.d.notifier.close(connectionId);
  }

  /** handshake: client -> its room's SFU; SFU -> the client named in `receiver`, within its own room. */
  async handshake(connectionId: string, data: HandshakeData): Promise<void> {
    const conn = await this.identified(connectionId);
    if (data.sender !== conn.peerId) throw new ForbiddenError('sender is not the peer this connection identified as');
    if (data.roomId !== conn.roomId) throw new ForbiddenError('roomId is not the room this connection identified into');
    const frame: ServerFrame = { type: 'handshake', data };
    if (conn.type === 'client') {
      await this.relay(conn.roomId, undefined, frame, async () => {
        const room = await this.d.roomRepository.getRoom(conn.roomId);
        if (!room || room.status === 'CLOSED') throw new GoneError('Room is closed');
        if (!room.sfuConnectionId) throw new ConflictError(SFU_ABSENT);
        return room.sfuConnectionId;
      }, () => new ConflictError(SFU_ABSENT));
      return;
    }
    if (!data.receiver) throw new BadRequestError('missing receiver');
    const receiver = data.receiver;
    await this.relay(conn.roomId, receiver, frame, async () => {
      const peer = await this.d.membership.getPeer(conn.roomId, receiver, this.d.clock.nowMs());
      if (!peer) throw new NotFoundError('receiver is not in this room');
      return peer.connectionId;
    }, () => new GoneError('receiver is gone'));
  }

  /**
   * Posts `frame` to the room's SFU (peerId undefined) or to a client, through the cached route; a
   * route found gone is looked up again once (it moves when its peer reconnects).
   */
  private async relay(
    roomId: string,
    peerId: string | undefined,
    frame: ServerFrame,
    lookup: () => Promise<string>,
    goneError: () => Error,
  ): Promise<void> {
    const cached = this.cache.target(roomId, peerId);
    if (cached && (await this.d.notifier.send(cached, frame))) return;
    this.cache.forgetTarget(roomId, peerId);
    const target = await lookup();
    if (await this.send(target, frame)) {
      this.cache.rememberTarget(roomId, peerId, target);
      return;
    }
    throw goneError();
  }

  /** message: chat or features (mute / camera / screen share state), to the other clients of the room. */
  async message(connectionId: string, data: RoomMessageData): Promise<void> {
    const conn = await this.identified(connectionId);
    if (conn.type !== 'client') throw new ForbiddenError('only clients send room messages');
    if (data.kind === 'chat') {
      await this.broadcast(conn.roomId, { type: 'message', sender: conn.peerId, roomId: conn.roomId, data }, conn.peerId);
      return;
    }
    const changed = await this.withVersion(conn.roomId, (room) => this.d.membership.setFeatures(room, conn.peerId, data.features));
    await this.broadcast(
      conn.roomId,
      { type: 'message', sender: conn.peerId, roomId: conn.roomId, data, version: changed.version },
      conn.peerId,
    );
  }

  /** keepalive: proves the connection is identified and alive; nothing else to do. */
  async keepalive(connectionId: string): Promise<void> {
    if (this.cache.connection(connectionId)) return;
    const conn = await this.d.connections.get(connectionId, this.d.clock.nowMs());
    if (conn?.endpointId !== undefined) return; // a user endpoint's connection
    if (!isIdentified(conn)) throw new BadRequestError(CONNECTION_NOT_FOUND);
    this.cache.rememberConnection(conn);
  }

  /**
   * $disconnect (and a send that met GoneException). A client that closed on purpose (close code 1000
   * or 1005) leaves its room at once: the SFU is told, the others get ParticipantLeftEvent. A client
   * whose connection dropped stays for a grace period to reconnect with the same id (see
   * leaveLostPeers). An SFU that closed on purpose closes its room; one that dropped gets a grace
   * period too. Runs once per connection: the record is deleted first.
   */
  async disconnect(connectionId: string, closeCode?: number): Promise<void> {
    this.cache.forgetConnection(connectionId);
    const conn = await this.d.connections.delete(connectionId);
    if (conn) await this.d.roomRepository.addToCounter(LIVE_CONNECTIONS_COUNTER, -1);
    if (conn?.endpointId !== undefined) {
      await this.d.endpoints?.connectionClosed(conn.endpointId, connectionId);
      return;
    }
    if (!isIdentified(conn)) return;
    const intentional = closeCode === 1000 || closeCode === 1005;
    if (conn.type === 'sfu') {
      if (closeCode === SFU_GOING_AWAY_CLOSE_CODE) {
        await this.closeRoom(conn.roomId, 'the room server went away', 'server-gone');
      } else if (intentional) {
        // an SFU closes on purpose when its room idled out (its other stops say they go away): anyone
        // still told is someone who joined just as it did, and is to join the URL again (a new room)
        await this.closeRoom(conn.roomId, 'the room server stopped, idle, just as people joined', 'server-gone');
      } else {
        await this.lost(conn, connectionId, closeCode);
      }
      return;
    }
    if (intentional) return this.leave(conn.roomId, conn.peerId, connectionId);
    await this.lost(conn, connectionId, closeCode);
  }

  /**
   * A send found a connection gone before its $disconnect came (the peer is closing, or its link
   * dropped): it gets the reconnect grace now, as a dropped one does, but its record stays, so that
   * the $disconnect that follows still knows it and acts on its close code (a deliberate close then
   * closes the room, or leaves at once). Runs once per connection.
   */
  private async connectionGone(connectionId: string): Promise<void> {
    this.cache.forgetConnection(connectionId);
    const conn = await this.d.connections.markGone(connectionId, this.d.clock.nowMs());
    if (conn?.endpointId !== undefined) {
      await this.d.endpoints?.connectionClosed(conn.endpointId, connectionId);
      return;
    }
    if (isIdentified(conn)) await this.lost(conn, connectionId, ABNORMAL_CLOSURE);
  }

  /** An SFU or client connection lost without a close on purpose: the reconnect grace starts. */
  private async lost(conn: IdentifiedConnection, connectionId: string, closeCode: number | undefined): Promise<void> {
    const log = { connectionId, roomId: conn.roomId, peerId: conn.peerId, closeCode };
    const at = epochSeconds(this.d.clock.nowMs());
    if (conn.type === 'sfu') {
      if (await this.d.sfuBindings.unbind(conn.roomId, connectionId, at)) this.d.logger.warn('sfu connection lost; waiting for it to reconnect', log);
      return;
    }
    if (await this.d.membership.markLost(conn.roomId, conn.peerId, connectionId, at)) {
      this.d.logger.info('client connection lost; waiting for it to reconnect', log);
    }
  }

  /** Peers whose connection dropped `graceSeconds` ago or more and did not come back leave their rooms. */
  async leaveLostPeers(graceSeconds: number, limit = 100): Promise<number> {
    const lost = await this.d.membership.listLost(epochSeconds(this.d.clock.nowMs()) - graceSeconds, limit);
    for (const peer of lost) await this.leave(peer.roomId, peer.peerId, peer.connectionId);
    return lost.length;
  }

  private async leave(roomId: string, peerId: string, connectionId: string): Promise<void> {
    let left: VersionedChange<null> & { ok: true };
    try {
      left = await this.withVersion(roomId, (room) => this.d.membership.leave(room, peerId, connectionId), true);
    } catch (error) {
      if (error instanceof ConflictError || error instanceof GoneError) return; // moved to another connection, or room gone
      throw error;
    }
    this.d.logger.info('client left', { connectionId, roomId, peerId, version: left.version });
    const room = await this.d.roomRepository.getRoom(roomId);
    if (room?.sfuConnectionId) await this.send(room.sfuConnectionId, { type: 'leave', sender: peerId });
    await this.publish(roomId, {
      type: 'ParticipantLeftEvent',
      timestamp: isoAt(this.d.clock.nowMs()),
      roomId,
      version: left.version,
      participantId: peerId,
    });
  }

  /**
   * Tells a room's SFU that its room is now bound to a path (it starts its idle countdown). `room` is
   * the room as claimed; if its SFU connection has moved since, the room is read again.
   */
  async announceClaim(room: Room): Promise<void> {
    const frame = (r: Room): ServerFrame => ({
      type: 'event',
      event: { type: 'RoomClaimedEvent', timestamp: isoAt(this.d.clock.nowMs()), roomId: r.roomId, version: r.version, urlPath: r.urlPath ?? '' },
    });
    if (room.sfuConnectionId && (await this.d.notifier.send(room.sfuConnectionId, frame(room)))) return;
    const current = await this.d.roomRepository.getRoom(room.roomId);
    if (current?.sfuConnectionId && current.status === 'CLAIMED') await this.send(current.sfuConnectionId, frame(current));
  }

  /**
   * Closes a room (SFU gone, or an administrator's call) and tells its clients; false if it was not
   * live. `taskStopped`: its task is known to have stopped already (nothing to stop).
   */
  async closeRoom(roomId: string, reason: string, cause: RoomCloseCause = 'ended', taskStopped = false): Promise<boolean> {
    // the clients hear of it while the task stops
    const closed = await this.d.rooms.closeRoom(
      roomId,
      reason,
      (room) => this.publish(roomId, { type: 'RoomClosedEvent', timestamp: isoAt(this.d.clock.nowMs()), roomId, version: room.version, reason, cause }),
      taskStopped,
    );
    return closed !== undefined;
  }

  /**
   * An SFU task stopped (ECS Task State Change, STOPPED): its room, if still live, closes at once
   * with cause `server-gone`, so that its clients need not wait out the SFU reconnect grace. The
   * room is the one RunTask started it for (`startedBy: room-<roomId>`), and only if it still runs
   * on that task. False when there was nothing to close.
   */
  async closeRoomOfStoppedTask(taskArn: string, startedBy: string | undefined, stoppedReason: string | undefined): Promise<boolean> {
    const roomId = startedBy?.startsWith(TASK_STARTED_BY_PREFIX) ? startedBy.slice(TASK_STARTED_BY_PREFIX.length) : undefined;
    if (!roomId) return false;
    const room = await this.d.roomRepository.getRoom(roomId);
    if (!room || room.status === 'CLOSED' || room.taskArn !== taskArn) return false;
    this.d.logger.warn('room task stopped; closing its room', { roomId, taskArn, stoppedReason });
    return this.closeRoom(roomId, `its server stopped${stoppedReason ? ` (${stoppedReason})` : ''}`, 'server-gone', true);
  }

  /**
   * Closes rooms whose SFU connection dropped more than `graceSeconds` ago without it coming back
   * (run by the scheduled reconciler). Reads at most `maxRooms` rooms per state: the live-room cap.
   */
  async closeAbandonedRooms(graceSeconds: number, maxRooms: number): Promise<number> {
    const now = epochSeconds(this.d.clock.nowMs());
    let closed = 0;
    for (const status of ['AVAILABLE', 'CLAIMED'] as const) {
      for (const room of await this.d.roomRepository.listByStatus(status, maxRooms)) {
        if (room.sfuLostAt !== undefined && now - room.sfuLostAt >= graceSeconds) {
          await this.closeRoom(room.roomId, 'the SFU did not reconnect', 'server-gone');
          closed++;
        }
      }
    }
    return closed;
  }

  /** GET /rooms/{roomId}: state and version, for a token of that room (or rooms:admin). */
  async roomState(roomId: string, principal: Principal | undefined): Promise<RoomStateResponse> {
    if (!principal) throw new UnauthorizedError('missing token');
    const member = 'roomId' in principal && principal.roomId === roomId;
    if (!member && !hasScope(principal, 'rooms:admin')) throw new ForbiddenError('this token does not grant that room');
    // the room first, then its peers: a change in between makes the list newer than the version, never older
    const room = await this.d.roomRepository.getRoom(roomId);
    if (!room) throw new NotFoundError('Room not found');
    const peers = await this.d.membership.listPeers(roomId, this.d.clock.nowMs());
    return {
      roomId,
      status: room.status,
      version: room.version,
      ...(room.urlPath !== undefined && { urlPath: room.urlPath }),
      access: room.access ?? 'open',
      participants: peers.map(participantInfo),
    };
  }

  /** Sends a frame to one connection (error frames, say); cleans it up if gone. */
  async notify(connectionId: string, frame: ServerFrame): Promise<boolean> {
    return this.send(connectionId, frame);
  }

  /** What a room (or user) token grants; 401 when it is missing, not valid, or neither. */
  private async grantOf(token: string | undefined, userEndpointId?: string): Promise<ConnectionRecord['grant']> {
    let principal;
    try {
      principal = await this.d.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedError(error.message);
      throw error;
    }
    switch (principal.kind) {
      case 'participant':
        return { sub: principal.subject, room: principal.roomId, role: 'participant', via: principal.via };
      case 'sfu':
        return { sub: principal.subject, room: principal.roomId, role: 'sfu' };
      case 'user': {
        // a signed-in user connecting for one of its live endpoints (lambdas/core/endpoints), named in the URL
        if (!userEndpointId || !this.d.endpoints) {
          throw new UnauthorizedError('a user token connects only for a user endpoint: add userEndpointId=<id> to the URL');
        }
        await this.d.endpoints.assertConnectable(principal.subject, principal.organizationId, userEndpointId);
        const org = principal.organizationId !== undefined ? { org: principal.organizationId } : {};
        return { sub: principal.subject, room: '', role: 'user', ...org, endpoint: userEndpointId };
      }
      default:
        throw new UnauthorizedError('this is not a room token: get one from getRoomId, claimRoom or a ticket');
    }
  }

  private async identified(connectionId: string): Promise<IdentifiedConnection> {
    const cached = this.cache.connection(connectionId);
    if (cached) return cached;
    const conn = await this.d.connections.get(connectionId, this.d.clock.nowMs());
    if (!isIdentified(conn)) throw new BadRequestError(CONNECTION_NOT_FOUND);
    this.cache.rememberConnection(conn);
    return conn;
  }

  private async liveRoom(roomId: string): Promise<Room> {
    return liveRoomOrThrow(await this.d.roomRepository.getRoom(roomId));
  }

  /** Re-reads the room and retries a versioned change until its version condition holds. */
  private async withVersion<T>(
    roomId: string,
    change: (room: Room) => Promise<VersionedChange<T>>,
    anyStatus = false,
    first?: Room,
  ): Promise<VersionedChange<T> & { ok: true }> {
    for (let attempt = 0; attempt < VERSION_RETRIES; attempt++) {
      const room =
        attempt === 0 && first ? first : anyStatus ? await this.d.roomRepository.getRoom(roomId) : await this.liveRoom(roomId);
      if (!room) throw new GoneError('Room is gone');
      const result = await change(room);
      if (result.ok) return result;
      if (result.reason === 'condition') throw new ConflictError('the change no longer applies');
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new ConflictError('the room is changing too fast; retry');
  }

  /** An event to every client of the room (but `except`) and to its SFU (`room`, if known, saves a read). */
  private async publish(roomId: string, event: RoomEvent, except?: string, room?: Room): Promise<void> {
    await this.broadcast(roomId, { type: 'event', event }, except, true, room);
  }

  private async broadcast(roomId: string, frame: ServerFrame, except?: string, includeSfu = false, known?: Room): Promise<void> {
    const nowMs = this.d.clock.nowMs();
    const [peers, room] = await Promise.all([
      this.d.membership.listPeers(roomId, nowMs),
      includeSfu && !known ? this.d.roomRepository.getRoom(roomId) : known,
    ]);
    const targets = peers.filter((p) => p.peerId !== except).map((p) => p.connectionId);
    if (includeSfu && room?.sfuConnectionId) targets.push(room.sfuConnectionId);
    await Promise.all(targets.map((id) => this.send(id, frame)));
  }

  /** Sends a frame; a connection found gone is cleaned up as if it had disconnected. */
  private async send(connectionId: string, frame: ServerFrame): Promise<boolean> {
    const delivered = await this.d.notifier.send(connectionId, frame);
    if (!delivered) {
      this.d.logger.info('connection gone; its peer gets the reconnect grace', { connectionId });
      await this.connectionGone(connectionId).catch((error: unknown) =>
        this.d.logger.error('cleanup of a gone connection failed', { connectionId, error: error as Error }),
      );
    }
    return delivered;
  }
}

interface Identified {
  version: number;
  resumed: boolean;
  /** Tells the others (a join's event), sent together with the peer's `identified`. */
  announce?: () => Promise<void>;
}

/** A room clients may be in: it exists and is CLAIMED. */
function liveRoomOrThrow(room: Room | undefined): Room {
  if (!room) throw new NotFoundError('Room not found');
  if (room.status === 'CLOSED') throw new GoneError('Room is closed');
  if (room.status !== 'CLAIMED') throw new ConflictError('Room is not open for participants yet');
  return room;
}

function participantInfo(peer: PeerRecord): ParticipantInfo {
  return {
    id: peer.peerId,
    type: 'client',
    ...(peer.displayName !== undefined && { displayName: peer.displayName }),
    features: peer.features ?? {},
    joinedAt: peer.joinedAt,
  };
}
