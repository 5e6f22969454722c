/**
 * Who else is in the call: each remote participant's name, state (features) and streams, kept in
 * the call's state in the order they came; who left (peer ids are never reused, so a late track of
 * theirs brings no tile back); and the short notices when someone joins or leaves.
 */
import type { ParticipantFeatures } from '../../../protocol/index.ts';
import type { ConsumerLink } from '../media/ConsumerLink.ts';
import type { CallStore, RemoteParticipant } from './callState.ts';

const NOTICE_MS = 4000;

export class Roster {
  private readonly names = new Map<string, string>();
  private readonly departed = new Set<string>();
  /** The room version of the last event applied per participant. */
  private readonly eventVersions = new Map<string, number>();
  private noticeSeq = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly store: CallStore,
    /** The receiving connection of the moment (the streams come from it). */
    private readonly streams: () => ConsumerLink | undefined,
  ) {}

  /**
   * Adds or updates a participant (a name, once known, stays). One muted stops speaking in the same
   * update, so their tile never shows the muted badge with the speaking ring still on (the audio
   * levels would only drop them at their next sample).
   */
  upsert(id: string, displayName: string | undefined, features: ParticipantFeatures): void {
    if (displayName) this.names.set(id, displayName);
    const { participants, speaking } = this.store.state;
    const next: RemoteParticipant = {
      id,
      displayName: this.nameOf(id),
      features,
      camera: this.streams()?.camera(id),
      screen: this.streams()?.screen(id),
    };
    const index = participants.findIndex((p) => p.id === id);
    this.store.set({
      participants: index < 0 ? [...participants, next] : participants.map((p) => (p.id === id ? next : p)),
      ...(features.audioMuted && speaking.includes(id) && { speaking: speaking.filter((s) => s !== id) }),
    });
  }

  /**
   * The room's state as read on arrival (version `version`): each participant in it, except one an
   * event newer than that state already told about (a mute announced while the read was under way)
   * and one who has left since.
   */
  applyState(participants: readonly { id: string; displayName?: string; features: ParticipantFeatures }[], version: number): void {
    for (const p of participants) {
      if (this.departed.has(p.id) || (this.eventVersions.get(p.id) ?? -1) > version) continue;
      this.upsert(p.id, p.displayName, p.features);
    }
  }

  /** An event about `id` at room version `version` was applied (a room state older than it is stale for `id`). */
  noteEvent(id: string, version: number): void {
    this.eventVersions.set(id, Math.max(version, this.eventVersions.get(id) ?? -1));
  }

  /** Someone joined (an event, not the room's state on arrival): in the list, with a notice. */
  joined(id: string, displayName: string | undefined, features: ParticipantFeatures): void {
    if (!this.has(id)) {
      if (displayName) this.names.set(id, displayName);
      this.notice(`${this.nameOf(id)} joined`);
    }
    this.upsert(id, displayName, features);
  }

  /** Someone left: out of the list for good, with a notice. */
  left(id: string): void {
    if (this.has(id)) this.notice(`${this.nameOf(id)} left`);
    this.departed.add(id);
    this.store.set({ participants: this.store.state.participants.filter((p) => p.id !== id) });
  }

  /** A participant's features changed (their message): merged into what is known. */
  updateFeatures(id: string, features: ParticipantFeatures): void {
    const p = this.store.state.participants.find((x) => x.id === id);
    this.upsert(id, p?.displayName, { ...p?.features, ...features });
  }

  /** A participant's tracks came or went. */
  refreshStreams(id: string): void {
    if (this.departed.has(id)) return;
    const p = this.store.state.participants.find((x) => x.id === id);
    this.upsert(id, p?.displayName, p?.features ?? {});
  }

  hasLeft(id: string): boolean {
    return this.departed.has(id);
  }

  nameOf(id: string): string {
    return this.names.get(id) ?? `Guest ${id.slice(0, 4)}`;
  }

  /** Everyone gone at once (the call starts over in a new room): no notices. */
  clear(): void {
    this.departed.clear();
    this.eventVersions.clear();
    this.store.set({ participants: [] });
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private has(id: string): boolean {
    return this.store.state.participants.some((p) => p.id === id);
  }

  private notice(text: string): void {
    const id = ++this.noticeSeq;
    this.store.set({ toasts: [...this.store.state.toasts.slice(-2), { id, text }] });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.store.set({ toasts: this.store.state.toasts.filter((t) => t.id !== id) });
    }, NOTICE_MS);
    this.timers.add(timer);
  }
}
