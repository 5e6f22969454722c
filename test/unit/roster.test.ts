/** The web client's roster (web/src/call/Roster.ts): the room's state read on arrival against the events that overtake it. */
import { afterEach, describe, expect, it } from 'vitest';
import { CallStore } from '../../web/src/call/callState.ts';
import { Roster } from '../../web/src/call/Roster.ts';

let roster: Roster | undefined;
afterEach(() => roster?.close());

function made() {
  const store = new CallStore();
  roster = new Roster(store, () => undefined);
  const features = (id: string) => store.state.participants.find((p) => p.id === id)?.features;
  const ids = () => store.state.participants.map((p) => p.id);
  return { roster, store, features, ids };
}

describe('Roster', () => {
  it('a room state read before a mute event, arriving after it, does not undo the mute', () => {
    const { roster, features } = made();
    roster.noteEvent('alice', 7);
    roster.updateFeatures('alice', { audioMuted: true });
    roster.applyState([{ id: 'alice', displayName: 'Alice', features: {} }], 6);
    expect(features('alice')).toEqual({ audioMuted: true });
  });

  it('a room state newer than the last event about someone is what they are now', () => {
    const { roster, features } = made();
    roster.noteEvent('alice', 3);
    roster.updateFeatures('alice', { audioMuted: true });
    roster.applyState([{ id: 'alice', displayName: 'Alice', features: { audioMuted: false, handRaised: true } }], 5);
    expect(features('alice')).toEqual({ audioMuted: false, handRaised: true });
  });

  it('someone who left while the state was read does not come back from it', () => {
    const { roster, ids } = made();
    roster.applyState([{ id: 'bob', features: {} }], 2);
    roster.noteEvent('bob', 4);
    roster.left('bob');
    roster.applyState([{ id: 'bob', features: {} }, { id: 'carol', features: {} }], 3);
    expect(ids()).toEqual(['carol']);
  });

  it('after clear (a new room), versions start over: the new room state applies', () => {
    const { roster, features } = made();
    roster.noteEvent('alice', 40);
    roster.clear();
    roster.applyState([{ id: 'alice', features: { videoMuted: true } }], 2);
    expect(features('alice')).toEqual({ videoMuted: true });
  });

  it('one who mutes stops speaking in the same update as the mute (no muted badge with the ring on)', () => {
    const { roster, store } = made();
    roster.upsert('alice', 'Alice', {});
    roster.upsert('bob', 'Bob', {});
    store.set({ speaking: ['alice', 'bob', 'self'] });
    const seen: { muted: boolean; speaking: boolean }[] = [];
    store.subscribe(() => {
      const bob = store.state.participants.find((p) => p.id === 'bob');
      seen.push({ muted: !!bob?.features.audioMuted, speaking: store.state.speaking.includes('bob') });
    });
    roster.updateFeatures('bob', { audioMuted: true });
    expect(seen).toEqual([{ muted: true, speaking: false }]);
    expect(store.state.speaking).toEqual(['alice', 'self']);
    // another change (a raised hand) leaves the others' speaking alone
    roster.updateFeatures('alice', { handRaised: true });
    expect(store.state.speaking).toEqual(['alice', 'self']);
  });
});
