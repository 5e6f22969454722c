/** Camera and microphone, with a clear account of what could not be had. */
export interface LocalMedia {
  stream: MediaStream;
  audio: MediaStreamTrack | undefined;
  video: MediaStreamTrack | undefined;
  /** Why a device is missing, for the user; undefined when both are there. */
  problem: string | undefined;
}

const describe = (error: unknown): string => {
  const name = (error as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission was denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no such device was found';
  if (name === 'NotReadableError') return 'the device is in use by another application';
  return (error as Error)?.message ?? 'it failed';
};

export async function openLocalMedia(devices: { audioId?: string; videoId?: string } = {}): Promise<LocalMedia> {
  const audio = devices.audioId ? { deviceId: { exact: devices.audioId } } : true;
  const video = devices.videoId ? { deviceId: { exact: devices.videoId } } : { width: { ideal: 1280 }, height: { ideal: 720 } };
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: new MediaStream(), audio: undefined, video: undefined, problem: 'This browser gives no access to camera or microphone: you joined without them.' };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video });
    return { stream, audio: stream.getAudioTracks()[0], video: stream.getVideoTracks()[0], problem: undefined };
  } catch (both) {
    // one of them may still work
    const [mic, cam] = await Promise.allSettled([
      navigator.mediaDevices.getUserMedia({ audio }),
      navigator.mediaDevices.getUserMedia({ video }),
    ]);
    const stream = new MediaStream();
    const a = mic.status === 'fulfilled' ? mic.value.getAudioTracks()[0] : undefined;
    const v = cam.status === 'fulfilled' ? cam.value.getVideoTracks()[0] : undefined;
    if (a) stream.addTrack(a);
    if (v) stream.addTrack(v);
    const missing = [!v && `camera (${describe(cam.status === 'rejected' ? cam.reason : both)})`, !a && `microphone (${describe(mic.status === 'rejected' ? mic.reason : both)})`]
      .filter(Boolean)
      .join(' and ');
    const them = !a && !v ? 'them' : 'it';
    return { stream, audio: a, video: v, problem: `No ${missing}: you joined without ${them}. Allow access and rejoin to be seen and heard.` };
  }
}
