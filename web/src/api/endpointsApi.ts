/** The user-endpoint routes of the HTTP API (registrations), as a signed-in browser uses them. */
import type { RegisterEndpointResponse } from '../../../protocol/index.ts';
import { ApiError, UnreachableError } from './roomsApi.ts';

export class EndpointsApi {
  constructor(
    private readonly apiUrl: string,
    private token: string,
  ) {}

  setToken(token: string): void {
    this.token = token;
  }

  /** Registers this tab as one of the user's endpoints; its id. */
  async register(keepAliveSeconds: number): Promise<string> {
    const body = await this.post<RegisterEndpointResponse>('/rtc-api/users/endpoints/register', { keepAliveSeconds, serverKeepAliveReminderOn: true });
    return body.id;
  }

  keepalive(userEndpointId: string): Promise<unknown> {
    return this.post('/rtc-api/users/endpoints/keepalive', { userEndpointId });
  }

  unregister(userEndpointId: string, reason: string): Promise<unknown> {
    return this.post('/rtc-api/users/endpoints/unregister', { userEndpointId, reason }, true);
  }

  private async post<T>(path: string, body: unknown, keepalive = false): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify(body),
        keepalive,
      });
    } catch (error) {
      throw new UnreachableError(`The server cannot be reached (${(error as Error).message}).`);
    }
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : {}) as T & { message?: string };
    if (!res.ok) throw new ApiError(res.status, parsed.message ?? JSON.stringify(parsed));
    return parsed;
  }
}
