/**
 * The browser's media devices, listed once and kept current (devicechange), so that every picker
 * shows the list the moment it appears instead of an empty one until its own enumerateDevices answers.
 */
let devices: readonly MediaDeviceInfo[] = [];
const listeners = new Set<() => void>();
let watching = false;
let loading: Promise<void> | undefined;

/** Lists the devices again; pickers re-render when the list changes (labels arrive once access was granted). */
export function reloadDevices(): Promise<void> {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!media) return Promise.resolve();
  if (!watching) {
    watching = true;
    media.addEventListener('devicechange', () => void reloadDevices());
  }
  const load: Promise<void> = media.enumerateDevices().then(
    (all) => {
      // an older listing that answers last must not overwrite a newer one
      if (loading !== load) return;
      devices = all.filter((d) => d.deviceId !== '');
      for (const listener of listeners) listener();
    },
    () => undefined,
  );
  loading = load;
  return load;
}

export function subscribeDevices(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const currentDevices = (): readonly MediaDeviceInfo[] => devices;
