/**
 * Share tickets: a link that lets whoever holds it join one room, until it expires or runs out of
 * uses. Made by a participant of that room or a service caller; redeemed for a participant token
 * marked `via: ticket`, which a ticket-only room admits.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CreateTicketBody, CreateTicketResponse, RedeemTicketResponse, TicketResponse } from '../../../protocol/index.ts';
import { isServiceCaller, type Principal } from '../auth/principal.ts';
import { type Clock, epochSeconds, isoAt } from '../clock.ts';
import { ForbiddenError, GoneError, NotFoundError, RoomNotFoundError, UnauthorizedError } from '../errors.ts';
import { newLinkId } from '../linkId.ts';
import { isLive, type Room } from '../rooms/room.ts';
import type { RoomRepository } from '../rooms/roomRepository.ts';
import type { RoomTokens } from '../tokens/roomTokens.ts';
import type { TicketRecord, TicketRepository } from './ticketRepository.ts';

const TICKET_NOT_FOUND = 'Ticket not found';
const TICKET_EXPIRED = 'This ticket has expired';
const TICKET_USED_UP = 'This ticket has been used up';
const ROOM_CLOSED = 'The room this ticket opens has closed';

export class TicketService {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly rooms: RoomRepository,
    private readonly tokens: RoomTokens,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** POST /tickets: `siteUrl` is where the link points (the site serving `/t/<ticketId>`). */
  async create(principal: Principal | undefined, body: CreateTicketBody, siteUrl: string): Promise<CreateTicketResponse> {
    if (!principal) throw new UnauthorizedError('making a ticket needs a participant token of the room or a service token');
    const room = await this.claimedRoom(body);
    const allowed = isServiceCaller(principal) || (principal.kind === 'participant' && principal.roomId === room.roomId);
    if (!allowed) throw new ForbiddenError('only a participant of this room or a service client can make its tickets');
    const nowMs = this.clock.nowMs();
    const ticket: TicketRecord = {
      ticketId: newLinkId(),
      roomId: room.roomId,
      urlPath: room.urlPath ?? '',
      createdAt: isoAt(nowMs),
      expiresAt: epochSeconds(nowMs) + body.validSeconds,
      ...(body.maxUses !== undefined && { maxUses: body.maxUses }),
      uses: 0,
      createdBy: `${principal.kind}:${principal.subject}`,
    };
    if (!(await this.tickets.insert(ticket))) throw new Error('ticket id collision');
    this.logger.info('ticket created', { ticketId: ticket.ticketId, roomId: ticket.roomId, expiresAt: ticket.expiresAt, maxUses: ticket.maxUses });
    return { ticketId: ticket.ticketId, url: `${siteUrl}/t/${ticket.ticketId}`, expiresAt: isoAt(ticket.expiresAt * 1000) };
  }

  /** GET /tickets/{ticketId}: the room it opens; 404 unknown, 410 expired, used up or its room closed. */
  async describe(ticketId: string): Promise<TicketResponse> {
    const ticket = await this.tickets.get(ticketId);
    this.assertUsable(ticket);
    await this.liveRoom(ticket);
    return view(ticket);
  }

  /** POST /tickets/{ticketId}/redeem: counts a use and returns a participant token for the ticket's room. */
  async redeem(ticketId: string): Promise<RedeemTicketResponse> {
    // the ticket and its room first: a ticket of a closed room is not worth a use
    const ticket = await this.tickets.get(ticketId);
    this.assertUsable(ticket);
    const room = await this.liveRoom(ticket);
    const nowMs = this.clock.nowMs();
    const outcome = await this.tickets.redeem(ticketId, epochSeconds(nowMs));
    if (!outcome.ok) {
      this.assertUsable(outcome.ticket);
      throw new GoneError(TICKET_USED_UP); // raced: someone else took the last use
    }
    const access = await this.tokens.participant(room.roomId, { via: 'ticket', nowMs });
    this.logger.info('ticket redeemed', { ticketId, roomId: room.roomId, uses: outcome.ticket.uses, peerId: access.peerId });
    return { ...access, urlPath: outcome.ticket.urlPath };
  }

  private assertUsable(ticket: TicketRecord | undefined): asserts ticket is TicketRecord {
    if (!ticket) throw new NotFoundError(TICKET_NOT_FOUND);
    if (ticket.expiresAt <= epochSeconds(this.clock.nowMs())) throw new GoneError(TICKET_EXPIRED);
    if (ticket.maxUses !== undefined && ticket.uses >= ticket.maxUses) throw new GoneError(TICKET_USED_UP);
  }

  private async liveRoom(ticket: TicketRecord): Promise<Room> {
    const room = await this.rooms.getRoom(ticket.roomId);
    if (!room || !isLive(room, this.clock.nowMs())) throw new GoneError(ROOM_CLOSED);
    return room;
  }

  /** The live, claimed room a ticket request names (by id or by URL path). */
  private async claimedRoom(body: CreateTicketBody): Promise<Room> {
    const roomId = body.roomId ?? (await this.rooms.getPath(body.urlPath ?? '', true))?.roomId;
    const room = roomId ? await this.rooms.getRoom(roomId) : undefined;
    if (!room || room.status !== 'CLAIMED' || !isLive(room, this.clock.nowMs())) throw new RoomNotFoundError();
    return room;
  }
}

function view(ticket: TicketRecord): TicketResponse {
  return {
    ticketId: ticket.ticketId,
    roomId: ticket.roomId,
    urlPath: ticket.urlPath,
    expiresAt: isoAt(ticket.expiresAt * 1000),
    ...(ticket.maxUses !== undefined && { usesLeft: Math.max(0, ticket.maxUses - ticket.uses) }),
  };
}
