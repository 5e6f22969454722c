/**
 * The control and signaling plane's usage over one meeting, step by step as the code runs it (each
 * step names its code). Counts are per call; DynamoDB units assume items under 1 KB and result sets
 * under 4 KB, which holds for rooms of this size.
 */
import { add, scale, usage, type Usage } from './usage.ts';

export interface FlowAssumptions {
  /** Trickled ICE candidates a browser sends per peer connection. */
  readonly candidatesPerConnection: number;
  /** DynamoDB read units of one relayed handshake frame (its connection and route, when the container's cache misses). */
  readonly handshakeReadUnits: number;
  /** The web client's keepalive interval. */
  readonly clientKeepaliveSeconds: number;
  /** The SFU's keepalive interval (it sends one only after this long without sending anything). */
  readonly sfuKeepaliveSeconds: number;
  /** Active speaker changes the SFU announces to the room, per meeting-minute. */
  readonly speakerChangesPerMinute: number;
  /** Room messages (mute and camera toggles, chat) each attendee sends, per minute. */
  readonly roomMessagesPerAttendeeMinute: number;
}

export interface MeetingShape {
  readonly participants: number;
  readonly meetingMinutes: number;
  /** The SFU's idle time after the last attendee left, before it exits (roomIdleSeconds). */
  readonly roomIdleSeconds: number;
}

/** One handshake (or layer) frame through the WebSocket API to its peer: lambdas/core/signaling/signalingService.ts handshake. */
const relays = (count: number, a: FlowAssumptions): Usage => scale(usage({ wsIn: 1, wsOut: 1, lambda: 1, rru: a.handshakeReadUnits }), count);

/** The steps, each with what it does in the code; `others` are the attendees already there (or left behind). */
export const STEPS = {
  pageLoad: {
    what: 'page load: index.html, script, style sheet and config.json from CloudFront',
    usage: () => usage({ pageLoads: 1 }),
  },
  getRoomId: {
    what: 'GET /getRoomId (200): path GetItem (eventually consistent), participant token signed with KMS',
    usage: () => usage({ http: 1, lambda: 1, rru: 0.5, kms: 1 }),
  },
  claimRoom: {
    what:
      'first attendee: GET /getRoomId (404), PATCH /claimRoom (path GetItem, AVAILABLE Query, claim transaction over room and path, token signed), ' +
      'RoomClaimedEvent to the SFU, warm pool top-up: lease, two Queries, createRoom (transaction over counter and room, RunTask, SFU token signed, task ARN)',
    usage: () => usage({ http: 2, lambda: 2, rru: 3.5, wru: 15, kms: 2, wsOut: 1 }),
  },
  sfuStart: {
    what: "the replacement room's SFU: $connect (connection Put, counter), identify (connection GetItem, bind, identify, AVAILABLE), identified",
    usage: () => usage({ lambda: 2, wsIn: 1, wsOut: 1, rru: 1, wru: 8 }),
  },
  roomState: {
    what: 'GET /rooms/{roomId}: room GetItem, peers Query',
    usage: () => usage({ http: 1, lambda: 1, rru: 2 }),
  },
  connect: {
    what: '$connect: token verified (JWKS cached), connection Put, live-connections counter',
    usage: () => usage({ lambda: 1, wru: 2 }),
  },
  identify: {
    what: 'identify: connection, peer and room GetItems, one transaction over room version, peer and connection (+ rooms index), identified, ParticipantJoinedEvent to the others and the SFU',
    usage: (others: number) => usage({ wsIn: 1, lambda: 1, rru: 4, wru: 7, wsOut: 2 + others }),
  },
  publish: {
    what: 'publish: the producer offer and its candidates relayed to the SFU, its answer relayed back',
    usage: (_others: number, a: FlowAssumptions) => relays(2 + a.candidatesPerConnection, a),
  },
  receive: {
    what: "receive: the attendee's one consumer connection, the SFU's offer and the answer relayed, the candidates",
    usage: (_others: number, a: FlowAssumptions) => relays(2 + a.candidatesPerConnection, a),
  },
  renegotiate: {
    what: "renegotiation of one other attendee's consumer connection (tracks added or taken off): offer and answer relayed",
    usage: (count: number, a: FlowAssumptions) => relays(2 * count, a),
  },
  layers: {
    what: 'layer preferences (issue 13, receiver-driven layers): each client with remote videos tells the SFU its tile sizes after a membership change',
    usage: (count: number, a: FlowAssumptions) => relays(count, a),
  },
  leave: {
    what: '$disconnect (close 1000): connection Delete, counter, leave transaction (+ rooms index), room GetItems, leave to the SFU, ParticipantLeftEvent to the others and the SFU',
    usage: (others: number) => usage({ lambda: 1, rru: 4, wru: 7, wsOut: 2 + others }),
  },
  closeRoom: {
    what: "room close after roomIdleSeconds: the SFU's $disconnect, close transaction over room, counter and path (+ rooms index), RoomClosedEvent, the task-stopped rule",
    usage: () => usage({ lambda: 2, rru: 4, wru: 10, wsOut: 1 }),
  },
  clientKeepalive: {
    what: "a client's keepalive (connection GetItem unless cached)",
    usage: () => usage({ wsIn: 1, lambda: 1, rru: 1 }),
  },
  sfuKeepalive: {
    what: "the SFU's keepalive",
    usage: () => usage({ wsIn: 1, lambda: 1, rru: 1 }),
  },
  speakerChange: {
    what: 'active speaker change (issue 13): the SFU tells the room; peers Query, one frame to every attendee',
    usage: (participants: number) => usage({ wsIn: 1, lambda: 1, rru: 1, wsOut: participants }),
  },
  roomMessage: {
    what: 'room message (features: room GetItem, transaction over room version and peer, + rooms index; broadcast to the others)',
    usage: (participants: number) => usage({ wsIn: 1, lambda: 1, rru: 2, wru: 5, wsOut: participants - 1 }),
  },
} as const;

/** SFU task minutes while the room is claimed: the meeting, then the idle wait before it exits. */
export function roomMinutes(m: Pick<MeetingShape, 'meetingMinutes' | 'roomIdleSeconds'>): number {
  return m.meetingMinutes + m.roomIdleSeconds / 60;
}

/**
 * Everything one meeting uses: N attendees join one after another (the first claims the room, which
 * starts a replacement warm room), stay for the meeting, and leave one after another; the room
 * closes roomIdleSeconds later. No reconnects.
 */
export function meetingUsage(m: MeetingShape, a: FlowAssumptions): Usage {
  const n = m.participants;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`a meeting has 2 or more participants, got ${n}`);
  const parts: Usage[] = [STEPS.claimRoom.usage(), STEPS.sfuStart.usage(), STEPS.closeRoom.usage()];
  for (let k = 1; k <= n; k++) {
    const others = k - 1;
    parts.push(
      STEPS.pageLoad.usage(),
      k === 1 ? usage({}) : STEPS.getRoomId.usage(),
      STEPS.roomState.usage(),
      STEPS.connect.usage(),
      STEPS.identify.usage(others),
      STEPS.publish.usage(others, a),
      // every attendee opens one consumer connection once there is someone else (the first: when the second arrives)
      STEPS.receive.usage(others, a),
      // the others' connections get the newcomer's tracks (at k = 2 the first one's is its new connection, counted above)
      STEPS.renegotiate.usage(Math.max(others - (k === 2 ? 1 : 0), 0), a),
      STEPS.layers.usage(k >= 2 ? k : 0, a),
    );
  }
  for (let remaining = n - 1; remaining >= 0; remaining--) {
    parts.push(STEPS.leave.usage(remaining), STEPS.renegotiate.usage(remaining, a), STEPS.layers.usage(remaining >= 2 ? remaining : 0, a));
  }
  const minutes = m.meetingMinutes;
  const room = roomMinutes(m);
  parts.push(
    scale(STEPS.clientKeepalive.usage(), (n * minutes * 60) / a.clientKeepaliveSeconds),
    scale(STEPS.sfuKeepalive.usage(), (room * 60) / a.sfuKeepaliveSeconds),
    scale(STEPS.speakerChange.usage(n), minutes * a.speakerChangesPerMinute),
    scale(STEPS.roomMessage.usage(n), n * minutes * a.roomMessagesPerAttendeeMinute),
    // every attendee holds one WebSocket for the meeting, the SFU one for the room's life
    usage({ wsMinutes: n * minutes + room }),
  );
  return add(...parts);
}

/** An idle warm room's usage per hour: its SFU's connection and keepalives. */
export function warmRoomUsagePerHour(a: FlowAssumptions): Usage {
  return add(scale(STEPS.sfuKeepalive.usage(), 3600 / a.sfuKeepaliveSeconds), usage({ wsMinutes: 60 }));
}
