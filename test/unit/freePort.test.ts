import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/freePort.ts';

describe('freePort', () => {
  it('gives ports below the ephemeral range that a server can listen on', async () => {
    const [lo] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()));
    for (const port of ports) expect(port).toBeLessThan(lo!);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], resolve);
    });
    await new Promise((r) => server.close(r));
  });
});
