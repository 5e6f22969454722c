import type { ConnectionQuality } from '../../../protocol/index.ts';
import type { IceCandidate, SessionDescription } from '../engines/MediaEngine.ts';

/** The `data` of a handshake frame the SFU sends to a client (see sfu-task/README.md). */
export interface OutboundHandshake {
  type: 'producer' | 'consumer';
  sender: string;
  receiver: string;
  roomId: string;
  remotePeerId?: string;
  description?: SessionDescription;
  candidate?: IceCandidate;
  /** The room's dominant speaker changed (consumer). */
  dominantSpeaker?: string | null;
  /** The client's connection quality as the SFU sees it (consumer). */
  quality?: ConnectionQuality;
  /** Its publishing connection failed at the SFU: publish again on a new one (producer). */
  publishAgain?: true;
  /** Bad input from this client: nothing changed on the SFU's side. */
  error?: { status: number; message: string };
}

/** What a link needs to address frames to its client. */
export interface LinkContext {
  roomId: string;
  sfuId: string;
  send: (frame: OutboundHandshake) => void;
}
