/**
 * Before joining: a camera preview, a live microphone meter, camera, microphone and speaker
 * pickers, the name, and joining with the camera or microphone off. The choices are remembered
 * (call/preferences.ts); the camera and microphone opened here are handed to the call, not opened again.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type LocalMedia, deviceOf, openLocalMedia, openTrack } from '../call/localMedia.ts';
import type { JoinChoice } from '../call/CallSession.ts';
import { markJoin } from '../call/joinTimeline.ts';
import { loadPreferences, savePreferences } from '../call/preferences.ts';
import { DevicePicker } from './DevicePicker.tsx';
import { CameraOffIcon, MicOffIcon } from './icons.tsx';
import { MicMeter } from './MicMeter.tsx';

export function PreJoin({ room, initialName, onJoin }: { room: string; initialName: string; onJoin: (name: string, choice: JoinChoice) => void }) {
  const [prefs] = useState(loadPreferences);
  const [name, setName] = useState(initialName);
  const [media, setMedia] = useState<LocalMedia | undefined>();
  const [audioOff, setAudioOff] = useState(prefs.joinAudioOff);
  const [videoOff, setVideoOff] = useState(prefs.joinVideoOff);
  const [speaker, setSpeaker] = useState(prefs.audioOutputId);
  const [problem, setProblem] = useState<string | undefined>();
  const [, setVersion] = useState(0); // a track swapped in place
  /** Set on joining: what the pre-join screen has opened, or is opening, belongs to the call from then on. */
  const handedOver = useRef(false);
  const current = useRef<LocalMedia | undefined>(undefined);
  const opening = useRef<Promise<LocalMedia> | undefined>(undefined);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    let cancelled = false;
    const opened = openLocalMedia({ audioId: prefs.audioInputId, videoId: prefs.videoInputId });
    opening.current = opened;
    void opened.then((media) => {
      if (!cancelled) {
        current.current = media;
        setMedia(media);
      } else if (!handedOver.current) media.stream.getTracks().forEach((t) => t.stop());
    });
    return () => {
      cancelled = true;
      // leaving without joining: the camera light goes off
      if (!handedOver.current) current.current?.stream.getTracks().forEach((t) => t.stop());
    };
  }, [prefs]);

  useEffect(() => {
    if (video.current && media) video.current.srcObject = media.stream;
  }, [media]);

  useEffect(() => {
    if (media?.audio) media.audio.enabled = !audioOff;
    if (media?.video) media.video.enabled = !videoOff;
  }, [media, audioOff, videoOff]);

  const choose = async (kind: 'audio' | 'video', deviceId: string) => {
    if (!current.current) return;
    const track = await openTrack(kind, deviceId).catch(() => undefined);
    if (!track) return setProblem(`That ${kind === 'audio' ? 'microphone' : 'camera'} could not be opened.`);
    setProblem(undefined);
    // the media as it is now, not as it was rendered: a choice of the other kind may have finished
    // while this device opened (its track would otherwise be put back, stopped)
    const media = current.current;
    const old = kind === 'audio' ? media.audio : media.video;
    if (old) {
      media.stream.removeTrack(old);
      old.stop();
    }
    media.stream.addTrack(track);
    track.enabled = !(kind === 'audio' ? audioOff : videoOff);
    const next: LocalMedia = { ...media, [kind]: track, problem: undefined };
    current.current = next;
    setMedia(next);
    setVersion((v) => v + 1);
    savePreferences(kind === 'audio' ? { audioInputId: deviceOf(track) ?? deviceId } : { videoInputId: deviceOf(track) ?? deviceId });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    markJoin('join-clicked');
    savePreferences({ joinAudioOff: audioOff, joinVideoOff: videoOff });
    handedOver.current = true;
    // joined before the devices opened: the call takes them as they open (not opened twice)
    const given = current.current ?? opening.current;
    onJoin(name, { ...(given && { media: given }), audioOff, videoOff });
  };

  const showVideo = !!media?.video && !videoOff;
  const missing = (kind: 'audio' | 'video') => media && !media[kind] && (media.reasons?.[kind] ?? 'not available');
  return (
    <main className="prejoin" data-testid="prejoin">
      <h1>Join “{room}”</h1>
      <div className="prejoin-body">
        <div className="preview-column">
          <div className="preview">
            <video ref={video} autoPlay playsInline muted aria-label="Your camera preview" hidden={!showVideo} data-testid="preview" />
            {!showVideo && (
              <p className="preview-off" data-testid="preview-off">
                {!media ? 'Opening your camera…' : media.video ? 'Your camera is off' : `No camera: ${missing('video')}`}
              </p>
            )}
          </div>
          <div className="prejoin-toggles">
            <button type="button" onClick={() => setAudioOff((v) => !v)} aria-pressed={audioOff} disabled={!media?.audio} data-testid="prejoin-mic">
              {audioOff && <MicOffIcon />} {audioOff ? 'Microphone off' : 'Microphone on'}
            </button>
            <button type="button" onClick={() => setVideoOff((v) => !v)} aria-pressed={videoOff} disabled={!media?.video} data-testid="prejoin-camera">
              {videoOff && <CameraOffIcon />} {videoOff ? 'Camera off' : 'Camera on'}
            </button>
          </div>
          {media?.audio ? <MicMeter track={audioOff ? undefined : media.audio} /> : media && <p className="hint">No microphone: {missing('audio')}</p>}
        </div>
        <form onSubmit={submit} className="prejoin-form">
          <label>
            Your name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="How others see you" maxLength={64} autoFocus />
          </label>
          <DevicePicker kind="videoinput" value={deviceOf(media?.video)} onChoose={(id) => void choose('video', id)} refresh={media} />
          <DevicePicker kind="audioinput" value={deviceOf(media?.audio)} onChoose={(id) => void choose('audio', id)} refresh={media} />
          <DevicePicker
            kind="audiooutput"
            value={speaker}
            onChoose={(id) => {
              setSpeaker(id);
              savePreferences({ audioOutputId: id });
            }}
            refresh={media}
          />
          {problem && <p role="alert">{problem}</p>}
          <button type="submit" className="primary" data-testid="join-now">
            Join now
          </button>
        </form>
      </div>
    </main>
  );
}
