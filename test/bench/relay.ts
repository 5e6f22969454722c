/**
 * npm run bench:relay — p50/p95 of a handshake round trip (client -> SFU -> client through the local
 * gateway and the Lambda handlers, DynamoDB Local) with 10 and with 5,000 live connections in the
 * table, and their ratio. The extra connections are written to the tables (as 2,500 rooms of two
 * clients each) rather than opened as sockets: the handlers' cost depends on the table, and the gateway
 * looks connections up in a map.
 */
import { randomUUID } from 'node:crypto';
import { startStack } from '../helpers/localStack.ts';
import { join, openRoom } from '../helpers/signalingRoom.ts';
import { batchPut, documentClient } from './seed.ts';
import { ms, summary } from './stats.ts';

const ROUND_TRIPS = 500;
const WARMUP = 50;

async function measure(connections: number) {
  const stack = await startStack({ WARM_ROOMS: '0', MAX_ROOMS: '100' });
  try {
    const db = documentClient(stack.dynamoDbEndpoint);
    const now = Date.now();
    const expiresAt = Math.floor(now / 1000) + 7200;
    const conns: Record<string, unknown>[] = [];
    const peers: Record<string, unknown>[] = [];
    for (let i = 0; i < connections; i++) {
      const roomId = `seed-room-${Math.floor(i / 2)}`;
      const connectionId = `${randomUUID().slice(0, 15)}=`;
      const peerId = randomUUID();
      conns.push({ connectionId, grant: { sub: peerId, room: roomId, role: 'participant' }, connectedAt: new Date(now).toISOString(), expiresAt, peerId, roomId, type: 'client' });
      peers.push({ roomId, peerId, connectionId, features: {}, joinedAt: new Date(now).toISOString(), expiresAt });
    }
    await batchPut(db, 'local-connections', conns);
    await batchPut(db, 'local-peers', peers);
    db.destroy();

    const room = await openRoom(stack, 'relay-bench');
    const client = await join(stack, 'relay-bench');
    // the test SFU echoes each producer handshake back to its sender, as an answer would go
    room.sfu.socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as { type: string; data?: { sender: string; description?: unknown } };
      if (frame.type !== 'handshake' || !frame.data) return;
      room.sfu.send({
        action: 'handshake',
        data: { type: 'producer', sender: room.sfuId, receiver: frame.data.sender, roomId: room.roomId, description: { type: 'answer', sdp: 'v=0\r\n' } },
      });
    });
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };
    const samples: number[] = [];
    for (let i = 0; i < ROUND_TRIPS + WARMUP; i++) {
      const t = performance.now();
      client.ws.send({ action: 'handshake', data: { type: 'producer', sender: client.id, roomId: room.roomId, description: offer } });
      await client.ws.nextOfType('handshake');
      if (i >= WARMUP) samples.push(performance.now() - t);
    }
    await client.ws.close();
    return { connections, rt: summary(samples) };
  } finally {
    await stack.stop();
  }
}

const small = await measure(10);
const large = await measure(5000);
console.log('\nbench:relay — handshake round trip client -> SFU -> client (two relays through the gateway and handlers)');
console.log('connections in table |    n |      p50 |      p95 |      p99');
for (const r of [small, large]) {
  console.log(`${String(r.connections).padStart(20)} | ${String(r.rt.n).padStart(4)} | ${ms(r.rt.p50).padStart(8)} | ${ms(r.rt.p95).padStart(8)} | ${ms(r.rt.p99).padStart(8)}`);
}
console.log(`ratio 5000/10: p50 ${(large.rt.p50 / small.rt.p50).toFixed(2)}, p95 ${(large.rt.p95 / small.rt.p95).toFixed(2)}`);
