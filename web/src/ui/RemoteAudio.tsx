/** Everyone's microphone, played whether or not their tile is on screen, on the chosen speaker. */
import { useEffect, useRef } from 'react';

export function RemoteAudio({ streams, sinkId }: { streams: { id: string; stream: MediaStream | undefined }[]; sinkId: string | undefined }) {
  return (
    <div hidden>
      {streams.map(({ id, stream }) => (
        <PeerAudio key={id} id={id} stream={stream} sinkId={sinkId} />
      ))}
    </div>
  );
}

function PeerAudio({ id, stream, sinkId }: { id: string; stream: MediaStream | undefined; sinkId: string | undefined }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (audio && audio.srcObject !== (stream ?? null)) audio.srcObject = stream ?? null;
  }, [stream]);
  useEffect(() => {
    const audio = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (audio?.setSinkId && sinkId !== undefined) void audio.setSinkId(sinkId).catch(() => undefined);
  }, [sinkId]);
  return <audio ref={ref} autoPlay data-testid={`audio-${id}`} />;
}
