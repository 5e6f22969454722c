/**
 * A tiny stand-in for the signaling plane (WebSocket API) for the SFU tests and the benchmark:
 * `?token=` is recorded (not checked), `identify` answers `identified`, client handshakes go to the
 * room's SFU, SFU handshakes go to `data.receiver`, a client that disconnects produces `leave` to the
 * SFU and ParticipantLeftEvent to the others, a client that identifies produces ParticipantJoinedEvent.
 * Every frame received is recorded per connection. Only 127.0.0.1.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface Connection {
  id: number;
  ws: WebSocket;
  token: string | null;
  peer?: { id: string; roomId: string; type: 'client' | 'sfu' };
  frames: Record<string, unknown>[];
  closed: boolean;
  /** The WebSocket close code (1000: closed on purpose; 1006: dropped without a close frame). */
  closeCode?: number;
}

export class MiniSignaling {
  readonly connections: Connection[] = [];
  private server!: WebSocketServer;
  private version = 0;
  /** Answer identify with `identified` (as the real signaling plane does). */
  sendIdentified = true;

  async listen(): Promise<string> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((resolve) => this.server.once('listening', () => resolve()));
    this.server.on('connection', (ws, request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token');
      const connection: Connection = { id: this.connections.length + 1, ws, token, frames: [], closed: false };
      this.connections.push(connection);
      ws.on('message', (raw) => this.onMessage(connection, raw.toString()));
      ws.on('close', (code) => {
        connection.closeCode = code;
        this.onClose(connection);
      });
    });
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws`;
  }

  /** Connections that identified as the SFU, oldest first. */
  sfuConnections(): Connection[] {
    return this.connections.filter((c) => c.peer?.type === 'sfu');
  }

  currentSfu(roomId?: string): Connection | undefined {
    return this.connections.filter((c) => c.peer?.type === 'sfu' && !c.closed && (!roomId || c.peer.roomId === roomId)).at(-1);
  }

  /** Drops the SFU's connection the way the gateway does (no close handshake). */
  dropSfu(): void {
    this.currentSfu()?.ws.terminate();
  }

  sendTo(connection: Connection, frame: unknown): void {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(JSON.stringify(frame));
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onMessage(connection: Connection, text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.sendTo(connection, { type: 'error', action: '$default', status: 400, message: 'frame is not JSON' });
      return;
    }
    connection.frames.push(frame);
    const data = (frame.data ?? {}) as Record<string, unknown>;
    if (frame.action === 'identify') {
      connection.peer = { id: String(data.id), roomId: String(data.roomId), type: data.type === 'sfu' ? 'sfu' : 'client' };
      if (this.sendIdentified) {
        this.sendTo(connection, { type: 'identified', id: data.id, roomId: data.roomId, peerType: connection.peer.type, version: ++this.version });
      }
      if (connection.peer.type === 'client') {
        const sfu = this.currentSfu(connection.peer.roomId);
        if (sfu) this.sendTo(sfu, this.event(connection.peer.roomId, { type: 'ParticipantJoinedEvent', participant: { id: connection.peer.id, type: 'client', features: {}, joinedAt: new Date().toISOString() } }));
      }
      return;
    }
    if (frame.action === 'handshake') {
      const peer = connection.peer;
      if (!peer) {
        this.sendTo(connection, { type: 'error', action: 'handshake', status: 400, message: 'WebSocket Connection Not Found' });
        return;
      }
      if (peer.type === 'client') {
        const sfu = this.currentSfu(peer.roomId);
        if (sfu) this.sendTo(sfu, { type: 'handshake', data: { ...data, sender: peer.id, roomId: peer.roomId } });
      } else {
        const receiver = this.connections.find((c) => !c.closed && c.peer?.type === 'client' && c.peer.id === data.receiver);
        if (receiver) this.sendTo(receiver, { type: 'handshake', data });
      }
    }
  }

  private onClose(connection: Connection): void {
    connection.closed = true;
    const peer = connection.peer;
    if (peer?.type !== 'client') return;
    const sfu = this.currentSfu(peer.roomId);
    if (sfu) this.sendTo(sfu, { type: 'leave', sender: peer.id });
    for (const other of this.connections) {
      if (!other.closed && other.peer?.type === 'client' && other.peer.roomId === peer.roomId) {
        this.sendTo(other, this.event(peer.roomId, { type: 'ParticipantLeftEvent', participantId: peer.id }));
      }
    }
  }

  private event(roomId: string, event: Record<string, unknown>) {
    return { type: 'event', event: { ...event, roomId, timestamp: new Date().toISOString(), version: ++this.version } };
  }
}
