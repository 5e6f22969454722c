/** Camera and microphone, with a clear account of what could not be had. */
export interface LocalMedia {
  stream: MediaStream;
  audio: MediaStreamTrack | undefined;
  video: MediaStreamTrack | undefined;
  /** Why a device is missing, for the user; undefined when both are there. */
  problem: string | undefined;
  /** Why each missing one is missing ("permission was denied"). */
  reasons?: { audio?: string; video?: string };
}

/** Devices to open: `exact` insists on them, else (remembered ones) another will do where one is gone. */
export interface DeviceChoice {
  audioId?: string | undefined;
  videoId?: string | undefined;
  exact?: boolean;
}

const describe = (error: unknown): string => {
  const name = (error as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission was denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no such device was found';
  if (name === 'NotReadableError') return 'the device is in use by another application';
  return (error as Error)?.message ?? 'it failed';
};

/** 720p where the camera gives it: the top of the three simulcast layers (web/src/media/ProducerLink.ts). */
export const VIDEO_SIZE = { width: { ideal: 1280 }, height: { ideal: 720 } };

export function constraints(kind: 'audio' | 'video', deviceId: string | undefined): MediaTrackConstraints | true {
  const base = kind === 'video' ? VIDEO_SIZE : {};
  if (!deviceId) return kind === 'video' ? base : true;
  return { ...base, deviceId: { exact: deviceId } };
}

const gone = (error: unknown) => ['NotFoundError', 'OverconstrainedError'].includes((error as DOMException)?.name);

/**
 * One camera or microphone track: `deviceId` exactly (a switch), or, with `orAny`, that one if it is
 * still there and else the default one (a remembered choice); the default one without `deviceId`.
 */
export async function openTrack(kind: 'audio' | 'video', deviceId?: string, orAny = false): Promise<MediaStreamTrack> {
  const open = async (id: string | undefined) => {
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(kind, id) });
    const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (!track) throw new Error(`no ${kind} track`);
    return track;
  };
  try {
    return await open(deviceId);
  } catch (error) {
    if (orAny && deviceId && gone(error)) return open(undefined);
    throw error;
  }
}

/** Camera and microphone together: the remembered ones where they are still there (`exact`: only those). */
export async function openLocalMedia(devices: DeviceChoice = {}): Promise<LocalMedia> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: new MediaStream(), audio: undefined, video: undefined, problem: 'This browser gives no access to camera or microphone: you joined without them.', reasons: { audio: 'this browser gives no access', video: 'this browser gives no access' } };
  }
  const orAny = !devices.exact;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints('audio', devices.audioId), video: constraints('video', devices.videoId) });
    return { stream, audio: stream.getAudioTracks()[0], video: stream.getVideoTracks()[0], problem: undefined };
  } catch (both) {
    // one of them may still work, or a remembered one is gone and another will do
    const [mic, cam] = await Promise.allSettled([openTrack('audio', devices.audioId, orAny), openTrack('video', devices.videoId, orAny)]);
    const stream = new MediaStream();
    const a = mic.status === 'fulfilled' ? mic.value : undefined;
    const v = cam.status === 'fulfilled' ? cam.value : undefined;
    if (a) stream.addTrack(a);
    if (v) stream.addTrack(v);
    if (a && v) return { stream, audio: a, video: v, problem: undefined };
    const missing = [!v && `camera (${describe(cam.status === 'rejected' ? cam.reason : both)})`, !a && `microphone (${describe(mic.status === 'rejected' ? mic.reason : both)})`]
      .filter(Boolean)
      .join(' and ');
    const them = !a && !v ? 'them' : 'it';
    const reasons = {
      ...(!a && { audio: describe(mic.status === 'rejected' ? mic.reason : both) }),
      ...(!v && { video: describe(cam.status === 'rejected' ? cam.reason : both) }),
    };
    return { stream, audio: a, video: v, reasons, problem: `No ${missing}: you joined without ${them}. Allow access and rejoin to be seen and heard.` };
  }
}

/** The device a track reads from (what a picker shows as chosen). */
export const deviceOf = (track: MediaStreamTrack | undefined): string | undefined => (track && track.readyState === 'live' ? track.getSettings().deviceId : undefined);
