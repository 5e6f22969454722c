/**
 * The signed-in user: a bearer token for the user-endpoint API, handed to the page in its URL
 * fragment (`#userToken=<jwt>`, as an identity provider's redirect or an embedding application
 * does). It moves to sessionStorage and out of the address bar; an expired one is dropped.
 */
const KEY = 'video-rooms.userToken';

export interface SignedInUser {
  token: string;
  /** The token's subject (the user id). */
  userId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

function decode(token: string): SignedInUser | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; exp?: unknown };
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
    return { token, userId: payload.sub, expiresAt: payload.exp };
  } catch {
    return undefined;
  }
}

export function signedInUser(nowMs = Date.now()): SignedInUser | undefined {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('userToken');
  if (fromHash) {
    sessionStorage.setItem(KEY, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem(KEY);
  const user = token ? decode(token) : undefined;
  if (!user || user.expiresAt * 1000 <= nowMs) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return user;
}
