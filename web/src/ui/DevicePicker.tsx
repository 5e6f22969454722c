/** A camera, microphone or speaker choice that shows the device in use. */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { currentDevices, reloadDevices, subscribeDevices } from '../call/deviceList.ts';

export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

const LABELS: Record<DeviceKind, string> = { audioinput: 'Microphone', videoinput: 'Camera', audiooutput: 'Speaker' };

/** The browser's devices of `kind`, kept current as devices come and go. */
export function useDevices(kind: DeviceKind, refresh?: unknown): MediaDeviceInfo[] {
  const all = useSyncExternalStore(subscribeDevices, currentDevices);
  // `refresh`: labels arrive once access was granted
  useEffect(() => void reloadDevices(), [refresh]);
  return useMemo(() => all.filter((d) => d.kind === kind), [all, kind]);
}

/** Speakers can be chosen where media elements can change their output (setSinkId). */
export const canChooseSpeaker = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function DevicePicker({ kind, value, onChoose, refresh }: { kind: DeviceKind; value: string | undefined; onChoose: (deviceId: string) => void; refresh?: unknown }) {
  const devices = useDevices(kind, refresh);
  if (devices.length < 1 || (kind === 'audiooutput' && !canChooseSpeaker())) return null;
  const label = LABELS[kind];
  const known = value !== undefined && devices.some((d) => d.deviceId === value);
  // the device in use; a speaker nobody chose plays on the default one (listed first)
  const selected = known ? value : kind === 'audiooutput' ? devices[0]!.deviceId : (value ?? '');
  return (
    <label className="device">
      {label}
      <select value={selected} onChange={(e) => onChoose(e.target.value)} data-testid={`picker-${kind}`}>
        {!known && kind !== 'audiooutput' && (
          <option value={selected} disabled>
            {value ? 'Unknown device' : `No ${label.toLowerCase()}`}
          </option>
        )}
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
