/**
 * One participant's camera (or screen) on the stage: the video (its audio plays in RemoteAudio),
 * the name, the muted-microphone, camera-off and raised-hand marks, a ring while they speak, and
 * connection quality bars. The initial stands in until the video's first frame.
 */
import { type CSSProperties, type HTMLAttributes, type ReactNode, useEffect, useRef, useState } from 'react';
import { markFirstFrame } from '../call/joinTimeline.ts';
import { BARS_LABEL, type LinkQuality } from '../media/linkQuality.ts';
import { CameraOffIcon, HandIcon, MicOffIcon } from './icons.tsx';

export interface TileProps {
  id: string;
  label: string;
  stream: MediaStream | undefined;
  self?: boolean;
  kind: 'camera' | 'screen';
  audioMuted?: boolean;
  videoMuted?: boolean;
  handRaised?: boolean;
  speaking?: boolean;
  quality?: LinkQuality | undefined;
  role?: string;
  style?: CSSProperties;
  /** The video's aspect ratio, once known (for the layout). */
  onAspect?: (aspect: number) => void;
  tileRef?: (el: HTMLElement | null) => void;
  /** Pointer handlers (dragging one's own small view). */
  handlers?: HTMLAttributes<HTMLElement>;
  children?: ReactNode;
}

export function VideoTile({ id, label, stream, self, kind, audioMuted, videoMuted, handRaised, speaking, quality, role, style, onAspect, tileRef, handlers, children }: TileProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const [hasFrame, setHasFrame] = useState(false);
  useEffect(() => {
    const video = ref.current;
    if (video && video.srcObject !== (stream ?? null)) video.srcObject = stream ?? null;
  }, [stream]);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const onSize = () => {
      const ok = video.videoWidth > 0 && video.videoHeight > 0;
      setHasFrame(ok);
      if (ok) onAspect?.(video.videoWidth / video.videoHeight);
    };
    onSize();
    video.addEventListener('resize', onSize);
    video.addEventListener('loadedmetadata', onSize);
    return () => {
      video.removeEventListener('resize', onSize);
      video.removeEventListener('loadedmetadata', onSize);
    };
  }, [stream, onAspect]);
  // the join timeline's last step: a remote camera's first decoded frame on screen
  useEffect(() => {
    const video = ref.current;
    if (self || kind !== 'camera' || !video || !stream) return;
    const onFrame = () => markFirstFrame(id);
    const handle = video.requestVideoFrameCallback(onFrame);
    return () => video.cancelVideoFrameCallback(handle);
  }, [self, kind, stream, id]);
  const hasVideo = stream !== undefined && stream.getVideoTracks().length > 0 && !(kind === 'camera' && videoMuted);
  const showVideo = hasVideo && hasFrame;
  const what = kind === 'screen' ? 'screen' : 'video';
  return (
    <figure
      {...handlers}
      ref={tileRef}
      className={`tile ${kind}${speaking ? ' speaking' : ''}${self ? ' self' : ''}`}
      style={style}
      data-testid={`tile-${kind}-${self ? 'self' : id}`}
      data-peer-id={id}
      data-role={role}
      data-speaking={speaking ? 'true' : 'false'}
    >
      {/* audio plays in RemoteAudio, so a tile off screen still sounds */}
      {/* shown (if covered) until its first frame: Chromium does not play a muted video that is not displayed */}
      <video ref={ref} autoPlay playsInline muted aria-label={`${label} ${what}`} hidden={!hasVideo} className={self && kind === 'camera' ? 'mirror' : undefined} />
      {!showVideo && (
        <div className="avatar-cover" aria-hidden="true">
          <div className="avatar">{label.slice(0, 1).toUpperCase()}</div>
        </div>
      )}
      <figcaption>
        {handRaised && (
          <span className="mark hand" data-testid="badge-hand" title="Hand raised">
            <HandIcon /> <span className="sr-only">Hand raised</span>
          </span>
        )}
        <span className="name">{label}</span>
        {audioMuted && (
          <span className="mark" data-testid="badge-muted" title="Microphone muted">
            <MicOffIcon /> <span className="sr-only">muted</span>
          </span>
        )}
        {kind === 'camera' && videoMuted && (
          <span className="mark" data-testid="badge-camera-off" title="Camera off">
            <CameraOffIcon /> <span className="sr-only">camera off</span>
          </span>
        )}
        {quality && <QualityBars quality={quality} />}
      </figcaption>
      {children}
    </figure>
  );
}

function QualityBars({ quality }: { quality: LinkQuality }) {
  const label = `Connection ${BARS_LABEL[quality.bars]}`;
  const detail = `${label}: ${(quality.loss * 100).toFixed(1)}% loss, ${Math.round(quality.jitter * 1000)} ms jitter${quality.rtt !== undefined ? `, ${Math.round(quality.rtt * 1000)} ms round trip` : ''}`;
  return (
    <span className={`quality q${quality.bars}`} role="img" aria-label={label} title={detail} data-testid="quality" data-bars={quality.bars}>
      {[1, 2, 3].map((n) => (
        <span key={n} className={n <= quality.bars ? 'bar on' : 'bar'} style={{ height: `${n * 4 + 2}px` }} />
      ))}
    </span>
  );
}
