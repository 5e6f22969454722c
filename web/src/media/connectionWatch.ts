/**
 * The recovery ladder of one media connection while signaling is up: a connection that stays
 * `disconnected` for a few seconds, or goes `failed`, gets an ICE restart; one still not connected a
 * while after its restart is given up on (the call then rejoins as a newcomer would).
 */

export interface WatchOptions {
  /** Restart ICE (the caller checks that signaling is up). */
  onRestart: () => void;
  /** The restart did not bring the connection back. */
  onGiveUp: () => void;
  /** How long `disconnected` may last before a restart (a blip often recovers by itself). */
  disconnectedMs?: number;
  /** How long a restart has to reconnect. */
  restartMs?: number;
}

export const DISCONNECTED_MS = 3_000;
export const RESTART_MS = 8_000;

/** Watches `pc` until the returned function is called (or the connection is closed). */
export function watchConnection(pc: RTCPeerConnection, options: WatchOptions): () => void {
  const disconnectedMs = options.disconnectedMs ?? DISCONNECTED_MS;
  const restartMs = options.restartMs ?? RESTART_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let restarted = false;
  let stopped = false;

  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const giveUp = () => {
    stop();
    options.onGiveUp();
  };
  const restart = () => {
    clear();
    if (restarted) return giveUp();
    restarted = true;
    options.onRestart();
    timer = setTimeout(giveUp, restartMs);
  };
  const onChange = () => {
    if (stopped) return;
    switch (pc.connectionState) {
      case 'connected':
        clear();
        restarted = false;
        return;
      case 'disconnected':
        if (timer === undefined) timer = setTimeout(restart, disconnectedMs);
        return;
      case 'failed':
        // a first failure restarts at once; one after the restart gives up
        restart();
        return;
      case 'closed':
        stop();
        return;
      default:
        return;
    }
  };
  const stop = () => {
    stopped = true;
    clear();
    pc.removeEventListener('connectionstatechange', onChange);
  };
  pc.addEventListener('connectionstatechange', onChange);
  return stop;
}
