import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel picks client sockets' local ports (and `listen(0)` ports): Linux's default if unreadable. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

/** Whether nothing listens on `port` now (any address). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

const LOWEST = 10_000;
const TRIES = 50;

/**
 * A TCP port that was free a moment ago, for a process that cannot listen on port 0 itself (DynamoDB
 * Local's JVM). It lies below the ephemeral range: a port from that range, once released, can be
 * taken by any outgoing connection (the tests make thousands) before the process that was meant to
 * have it listens. Chosen at random, so that stacks started side by side do not pick the same one.
 */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  if (lo - 1 > LOWEST) {
    for (let i = 0; i < TRIES; i++) {
      const port = LOWEST + Math.floor(Math.random() * (lo - LOWEST));
      if (await bindable(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
