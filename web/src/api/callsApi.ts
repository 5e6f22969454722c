/** The call URL routes of the HTTP API (Mozilla Loop's paths), as the caller's and the owner's pages use them. */
import type {
  AcceptCallResponse,
  CallListResponse,
  CallResponse,
  CallStatus,
  CallUrlListResponse,
  CallUrlResponse,
  CreateCallUrlResponse,
  PlaceCallResponse,
} from '../../../protocol/index.ts';
import { request } from './roomsApi.ts';

const json = (token: string | undefined, body?: unknown): RequestInit => ({
  headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
  ...(body !== undefined && { body: JSON.stringify(body) }),
});

/** Whoever holds a call URL: see whom it calls, call, read the call, hang up. */
export class CallerApi {
  constructor(private readonly apiUrl: string) {}

  describe(callToken: string): Promise<CallUrlResponse> {
    return request(`${this.apiUrl}/calls/${encodeURIComponent(callToken)}`);
  }

  place(callToken: string, displayName: string | undefined): Promise<PlaceCallResponse> {
    return request(`${this.apiUrl}/calls/${encodeURIComponent(callToken)}`, { method: 'POST', ...json(undefined, displayName ? { displayName } : {}) });
  }

  /** With the participant token the call gave. */
  call(callId: string, token: string): Promise<CallResponse> {
    return request(`${this.apiUrl}/calls/id/${encodeURIComponent(callId)}`, json(token));
  }

  hangUp(callId: string, token: string): Promise<unknown> {
    return request(`${this.apiUrl}/calls/id/${encodeURIComponent(callId)}`, { method: 'DELETE', ...json(token) });
  }
}

/** A signed-in owner: their call URLs and the calls from them. `token()` is the user's current token. */
export class OwnerApi {
  constructor(
    private readonly apiUrl: string,
    private readonly token: () => string,
  ) {}

  createCallUrl(remoteId: string, validSeconds: number): Promise<CreateCallUrlResponse> {
    return request(`${this.apiUrl}/call-url`, { method: 'POST', ...json(this.token(), { remote_id: remoteId, valid_duration: validSeconds }) });
  }

  callUrls(): Promise<CallUrlListResponse> {
    return request(`${this.apiUrl}/call-url`, json(this.token()));
  }

  revoke(callToken: string): Promise<unknown> {
    return request(`${this.apiUrl}/call-url/${encodeURIComponent(callToken)}`, { method: 'DELETE', ...json(this.token()) });
  }

  calls(statuses: readonly CallStatus[] = [], limit = 20): Promise<CallListResponse> {
    const query = new URLSearchParams({ limit: String(limit), ...(statuses.length > 0 && { status: statuses.join(',') }) });
    return request(`${this.apiUrl}/calls?${query.toString()}`, json(this.token()));
  }

  accept(callId: string): Promise<AcceptCallResponse> {
    return request(`${this.apiUrl}/calls/id/${encodeURIComponent(callId)}/accept`, { method: 'POST', ...json(this.token()) });
  }

  decline(callId: string): Promise<CallResponse> {
    return request(`${this.apiUrl}/calls/id/${encodeURIComponent(callId)}/decline`, { method: 'POST', ...json(this.token()) });
  }
}
