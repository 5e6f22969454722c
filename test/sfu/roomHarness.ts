/**
 * Wires a Room with a real engine (werift, or mediasoup with its worker; loopback only) to werift
 * test participants through direct function calls: no WebSocket, frames are JSON round-tripped as on
 * the wire.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { HandshakeData } from '../../protocol/index.ts';
import { createEngine } from '../../sfu-task/src/engines/createEngine.ts';
import type { MediaEngine } from '../../sfu-task/src/engines/MediaEngine.ts';
import { Room } from '../../sfu-task/src/room/Room.ts';
import type { EngineName } from './availableEngines.ts';
import { type HandshakeFrameData, WeriftParticipant } from '../helpers/weriftParticipant.ts';

export const ROOM_ID = 'room-under-test';
export const SFU_ID = 'sfu-under-test';

export interface Harness {
  room: Room;
  engine: MediaEngine & { readonly connectionCount: number };
  participants: Map<string, WeriftParticipant>;
  /** Frames the room sent, in order. */
  outbound: HandshakeFrameData[];
  add(peerId: string, options?: { publish?: boolean }): Promise<WeriftParticipant>;
  /** The participant leaves: its connections close and the room is told. */
  leave(peerId: string): Promise<void>;
  close(): Promise<void>;
}

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The engine on loopback: mediasoup with one worker on any free port (its binary from availableEngines; `ioUring`: MEDIASOUP_IO_URING=on). */
export async function startEngine(name: EngineName, workerBin?: string, ioUring = false): Promise<Harness['engine']> {
  const engine = await createEngine(name, { announcedIp: '127.0.0.1', portRange: undefined }, { workerBin, rtcPort: 0, workers: 1, ioUring });
  return engine as Harness['engine'];
}

export async function createHarness(name: EngineName = 'werift', workerBin?: string, ioUring = false): Promise<Harness> {
  const engine = await startEngine(name, workerBin, ioUring);
  const logger = new Logger({ serviceName: 'sfu-test', logLevel: 'SILENT' });
  const room = new Room({ roomId: ROOM_ID, sfuId: SFU_ID, engine, logger });
  const participants = new Map<string, WeriftParticipant>();
  const outbound: HandshakeFrameData[] = [];
  room.on('handshake', (frame) => {
    const data = wire(frame) as HandshakeFrameData;
    outbound.push(data);
    setImmediate(() => participants.get(frame.receiver)?.handleFrame({ type: 'handshake', data }));
  });
  return {
    room,
    engine,
    participants,
    outbound,
    async add(peerId, options = {}) {
      const participant = new WeriftParticipant({
        peerId,
        roomId: ROOM_ID,
        send: (data) => setImmediate(() => void room.handleHandshake(wire(data) as HandshakeData)),
      });
      participants.set(peerId, participant);
      if (options.publish !== false) await participant.publish();
      else room.join(peerId);
      return participant;
    },
    async leave(peerId) {
      const participant = participants.get(peerId);
      participants.delete(peerId);
      await participant?.close();
      room.leave(peerId);
      for (const other of participants.values()) {
        other.handleFrame({ type: 'event', event: { type: 'ParticipantLeftEvent', participantId: peerId } });
      }
    },
    async close() {
      for (const participant of participants.values()) await participant.close();
      participants.clear();
      await room.close();
    },
  };
}
