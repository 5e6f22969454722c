/** The rooms HTTP API as the client uses it. */
import type {
  CreateRoomResponse,
  CreateTicketResponse,
  RedeemTicketResponse,
  RoomAccessPolicy,
  RoomAccessResponse,
  RoomStateResponse,
  UpdateRoomResponse,
} from '../../../protocol/index.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from a Retry-After header. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The server could not be reached at all (network down, server stopped). */
export class UnreachableError extends Error {}

/** A JSON request: the parsed answer, ApiError (with the server's message) for an error status, UnreachableError without one. */
export async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    throw new UnreachableError(`The server cannot be reached (${(error as Error).message}).`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, (body as { message?: string }).message ?? `HTTP ${res.status}`, Number(res.headers.get('retry-after')) || undefined);
  return body as T;
}

export class RoomsApi {
  constructor(private readonly apiUrl: string) {}

  getRoomId(urlPath: string): Promise<RoomAccessResponse> {
    return request(`${this.apiUrl}/getRoomId?urlPath=${encodeURIComponent(urlPath)}`);
  }

  claimRoom(urlPath: string): Promise<RoomAccessResponse> {
    return request(`${this.apiUrl}/claimRoom`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ urlPath }),
    });
  }

  createRoom(): Promise<CreateRoomResponse> {
    return request(`${this.apiUrl}/createRoom`, { method: 'PUT' });
  }

  roomState(roomId: string, token: string): Promise<RoomStateResponse> {
    return request(`${this.apiUrl}/rooms/${encodeURIComponent(roomId)}`, { headers: { authorization: `Bearer ${token}` } });
  }

  /** Who may join: the room's creator switches between open and ticket-only. */
  setAccess(roomId: string, token: string, access: RoomAccessPolicy): Promise<UpdateRoomResponse> {
    return request(`${this.apiUrl}/rooms/${encodeURIComponent(roomId)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ access }),
    });
  }

  /** A share link to the room, for anyone holding it, valid `validSeconds`. */
  createTicket(roomId: string, token: string, validSeconds: number): Promise<CreateTicketResponse> {
    return request(`${this.apiUrl}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ roomId, validSeconds }),
    });
  }

  /** Uses a ticket: a participant token for its room. */
  redeemTicket(ticketId: string): Promise<RedeemTicketResponse> {
    return request(`${this.apiUrl}/tickets/${encodeURIComponent(ticketId)}/redeem`, { method: 'POST' });
  }
}
