/** One participant's (or screen's) video, with name and mute / camera-off badges. */
import { useEffect, useRef } from 'react';
import { markFirstFrame } from '../call/joinTimeline.ts';

export interface TileProps {
  id: string;
  label: string;
  stream: MediaStream | undefined;
  self?: boolean;
  kind: 'camera' | 'screen';
  audioMuted?: boolean;
  videoMuted?: boolean;
}

export function VideoTile({ id, label, stream, self, kind, audioMuted, videoMuted }: TileProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (video && video.srcObject !== (stream ?? null)) video.srcObject = stream ?? null;
  }, [stream]);
  // the join timeline's last step: a remote camera's first decoded frame on screen
  useEffect(() => {
    const video = ref.current;
    if (self || kind !== 'camera' || !video || !stream) return;
    const onFrame = () => markFirstFrame(id);
    const handle = video.requestVideoFrameCallback(onFrame);
    return () => video.cancelVideoFrameCallback(handle);
  }, [self, kind, stream, id]);
  const showVideo = stream !== undefined && stream.getVideoTracks().length > 0 && !(kind === 'camera' && videoMuted);
  return (
    <figure className={`tile ${kind}`} data-testid={`tile-${kind}-${self ? 'self' : id}`} data-peer-id={id}>
      <video ref={ref} autoPlay playsInline muted={self} aria-label={`${label} ${kind === 'screen' ? 'screen' : 'video'}`} hidden={!showVideo} />
      {!showVideo && <div className="avatar" aria-hidden="true">{label.slice(0, 1).toUpperCase()}</div>}
      <figcaption>
        <span className="name">{label}</span>
        {audioMuted && <span className="badge" data-testid="badge-muted" title="Microphone muted">muted</span>}
        {kind === 'camera' && videoMuted && <span className="badge" data-testid="badge-camera-off" title="Camera off">camera off</span>}
      </figcaption>
    </figure>
  );
}
