/**
 * Choices remembered for the next visit (localStorage): the camera, microphone and speaker used
 * last, and whether to join with the microphone or the camera off.
 */
export interface DevicePreferences {
  audioInputId?: string;
  videoInputId?: string;
  audioOutputId?: string;
  joinAudioOff: boolean;
  joinVideoOff: boolean;
}

const KEY = 'video-rooms.devices';

export function loadPreferences(): DevicePreferences {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<DevicePreferences>;
    const id = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    return {
      ...(id(kept.audioInputId) && { audioInputId: id(kept.audioInputId) }),
      ...(id(kept.videoInputId) && { videoInputId: id(kept.videoInputId) }),
      ...(id(kept.audioOutputId) && { audioOutputId: id(kept.audioOutputId) }),
      joinAudioOff: kept.joinAudioOff === true,
      joinVideoOff: kept.joinVideoOff === true,
    };
  } catch {
    return { joinAudioOff: false, joinVideoOff: false };
  }
}

export function savePreferences(patch: Partial<DevicePreferences>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...loadPreferences(), ...patch }));
  } catch {
    // storage disabled: nothing remembered
  }
}
