/** Camera and microphone choice. */
import { useEffect, useState } from 'react';

export function DevicePicker({ kind, onChoose }: { kind: 'audioinput' | 'videoinput'; onChoose: (deviceId: string) => void }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const load = () => navigator.mediaDevices?.enumerateDevices().then((all) => setDevices(all.filter((d) => d.kind === kind)), () => undefined);
    void load();
    navigator.mediaDevices?.addEventListener('devicechange', load);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', load);
  }, [kind]);
  if (devices.length < 1) return null;
  const label = kind === 'audioinput' ? 'Microphone' : 'Camera';
  return (
    <label className="device">
      {label}
      <select aria-label={label} onChange={(e) => onChoose(e.target.value)} defaultValue="">
        <option value="" disabled>
          Choose…
        </option>
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
