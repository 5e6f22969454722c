/** The web client's recovery ladder for one media connection (web/src/media/connectionWatch.ts). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DISCONNECTED_MS, RESTART_MS, watchConnection } from '../../web/src/media/connectionWatch.ts';

/** Only what the watch reads of an RTCPeerConnection: its connection state and the change event. */
class FakePc extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new';
  go(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

function watched() {
  const pc = new FakePc();
  const calls: string[] = [];
  const stop = watchConnection(pc as unknown as RTCPeerConnection, { onRestart: () => calls.push('restart'), onGiveUp: () => calls.push('give-up') });
  return { pc, calls, stop };
}

describe('watchConnection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a short disconnection that recovers by itself restarts nothing', () => {
    const { pc, calls } = watched();
    pc.go('connected');
    pc.go('disconnected');
    vi.advanceTimersByTime(DISCONNECTED_MS - 1);
    pc.go('connected');
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual([]);
  });

  it('a disconnection that lasts restarts ICE once; reconnecting ends the ladder', () => {
    const { pc, calls } = watched();
    pc.go('connected');
    pc.go('disconnected');
    vi.advanceTimersByTime(DISCONNECTED_MS);
    expect(calls).toEqual(['restart']);
    pc.go('connected');
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(['restart']);
    // a later break starts the ladder again from its first rung
    pc.go('failed');
    expect(calls).toEqual(['restart', 'restart']);
  });

  it('failed restarts at once; a restart that does not reconnect in time is given up on, once', () => {
    const { pc, calls } = watched();
    pc.go('connected');
    pc.go('failed');
    expect(calls).toEqual(['restart']);
    pc.go('connecting');
    vi.advanceTimersByTime(RESTART_MS);
    expect(calls).toEqual(['restart', 'give-up']);
    pc.go('failed');
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(['restart', 'give-up']);
  });

  it('failing again after its restart gives up without waiting', () => {
    const { pc, calls } = watched();
    pc.go('failed');
    pc.go('connecting');
    pc.go('failed');
    expect(calls).toEqual(['restart', 'give-up']);
  });

  it('stops watching when told to or when the connection closes', () => {
    const first = watched();
    first.pc.go('disconnected');
    first.stop();
    vi.advanceTimersByTime(60_000);
    first.pc.go('failed');
    expect(first.calls).toEqual([]);
    const second = watched();
    second.pc.go('closed');
    second.pc.go('failed');
    expect(second.calls).toEqual([]);
  });
});
