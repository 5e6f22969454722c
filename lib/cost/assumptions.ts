/**
 * The meetings the cost model prices and the assumptions it makes beyond what the code and the
 * settings say; every one is printed with the table.
 */
import { gridLayout, speakerLayout } from './layouts.ts';
import type { Assumptions, Meeting } from './model.ts';

export const MEETINGS: readonly Meeting[] = [
  { label: '2 people', participants: 2, layout: speakerLayout },
  { label: '4 people', participants: 4, layout: gridLayout },
  { label: '10, grid', participants: 10, layout: gridLayout },
  { label: '10, speaker', participants: 10, layout: speakerLayout },
];

/** What the code decides (read by bin/cost.ts from where it is set). */
export type CodeFacts = Pick<Assumptions, 'clientKeepaliveSeconds' | 'sfuKeepaliveSeconds' | 'pageRequests' | 'pageBytes'>;

export const DEFAULT_ASSUMPTIONS: Omit<Assumptions, keyof CodeFacts> = {
  meetingMinutes: 60,
  concurrentMeetings: 1,
  coldStartMinutes: 1,
  packetOverheadBytes: 62,
  audioPacketsPerSecond: 50,
  videoFps: 30,
  videoPayloadBytesPerPacket: 1100,
  retransmitShare: 0.02,
  rtcpKbpsPerAttendee: 15,
  candidatesPerConnection: 4,
  handshakeReadUnits: 1,
  speakerChangesPerMinute: 4,
  roomMessagesPerAttendeeMinute: 0.1,
  lambdaMsPerInvocation: 50,
};
