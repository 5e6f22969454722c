/**
 * A user token handed to the page in its URL fragment (`#userToken=<jwt>`, as an embedding application
 * or an identity provider's redirect does). It moves to sessionStorage and out of the address bar; an
 * expired one is dropped.
 */
const KEY = 'video-rooms.userToken';

export interface HandedUser {
  token: string;
  /** The token's subject (the user id). */
  userId: string;
  /** Its name claim (or preferred_username, email), if any. */
  name: string | undefined;
  /** Epoch seconds. */
  expiresAt: number;
}

function decode(token: string): HandedUser | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
    const name = [payload.name, payload.preferred_username, payload.email].find((v): v is string => typeof v === 'string' && v !== '');
    return { token, userId: payload.sub, name, expiresAt: payload.exp };
  } catch {
    return undefined;
  }
}

/** The handed token of this tab (read from the URL once, then kept), if it has not expired. */
export function handedUser(nowMs = Date.now()): HandedUser | undefined {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('userToken');
  if (fromHash) {
    sessionStorage.setItem(KEY, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem(KEY);
  const user = token ? decode(token) : undefined;
  if (!user || user.expiresAt * 1000 <= nowMs) {
    forgetHandedUser();
    return undefined;
  }
  return user;
}

export function forgetHandedUser(): void {
  sessionStorage.removeItem(KEY);
}
