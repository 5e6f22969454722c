/** In the call: camera, microphone (with its level) and speaker, each showing the device in use; a change applies at once. */
import type { CallSession, CallState } from '../call/CallSession.ts';
import { DevicePicker } from './DevicePicker.tsx';
import { MicMeter } from './MicMeter.tsx';

export function DevicesPanel({ session, state, micTrack, onClose }: { session: CallSession; state: CallState; micTrack: MediaStreamTrack | undefined; onClose: () => void }) {
  return (
    <aside className="panel devices" aria-label="Devices" data-testid="devices-panel">
      <header>
        <h2>Devices</h2>
        <button className="small" onClick={onClose} aria-label="Close the devices panel">
          Close
        </button>
      </header>
      <DevicePicker kind="videoinput" value={state.devices.videoInputId} onChoose={(id) => void session.useDevice('video', id)} refresh={state.local} />
      <DevicePicker kind="audioinput" value={state.devices.audioInputId} onChoose={(id) => void session.useDevice('audio', id)} refresh={state.local} />
      {micTrack && <MicMeter track={state.features.audioMuted ? undefined : micTrack} />}
      <DevicePicker kind="audiooutput" value={state.devices.audioOutputId} onChoose={(id) => session.setAudioOutput(id)} refresh={state.local} />
    </aside>
  );
}
