/**
 * One's own camera, microphone and screen in the call: opened (or taken over from the pre-join
 * screen), muted and unmuted, switched in place (replaceTrack on the producer: no renegotiation),
 * replaced by the default device when one is unplugged, and the speaker chosen. Every change goes
 * into the call's state; what the others must know goes out as features (`announce`).
 */
import type { ProducerLink } from '../media/ProducerLink.ts';
import type { CallState, CallStore, JoinChoice } from './callState.ts';
import { markJoin } from './joinTimeline.ts';
import { deviceOf, type LocalMedia, openLocalMedia, openTrack } from './localMedia.ts';
import { loadPreferences, savePreferences } from './preferences.ts';

export class LocalDevices {
  private media: LocalMedia | undefined;
  /** Camera and microphone, once open (set by open()). */
  ready: Promise<LocalMedia> | undefined;

  constructor(
    private readonly store: CallStore,
    private readonly producer: () => ProducerLink | undefined,
    /** Tells the others our features (mute, camera, screen, hand). */
    private readonly announce: () => void,
    private readonly disposed: () => boolean,
  ) {}

  /** The microphone track while it is on (what the speaking ring listens to). */
  get liveMicrophone(): MediaStreamTrack | undefined {
    return this.media?.audio && !this.store.state.features.audioMuted ? this.media.audio : undefined;
  }

  /** The pre-join screen's camera and microphone, else the remembered ones opened now; off as chosen. */
  open(choice: JoinChoice | undefined): Promise<LocalMedia> {
    const prefs = loadPreferences();
    const audioOff = choice?.audioOff ?? prefs.joinAudioOff;
    const videoOff = choice?.videoOff ?? prefs.joinVideoOff;
    const opened = choice?.media ? Promise.resolve(choice.media) : openLocalMedia({ audioId: prefs.audioInputId, videoId: prefs.videoInputId });
    this.ready = opened.then((media) => {
      markJoin('media-open');
      this.media = media;
      if (this.disposed()) this.stop();
      if (media.audio) media.audio.enabled = !audioOff;
      if (media.video) media.video.enabled = !videoOff;
      for (const track of [media.audio, media.video]) if (track) this.watchTrack(track);
      const { state } = this.store;
      // a missing device shows to the others as muted / camera off
      this.store.set({
        local: media.stream,
        notice: media.problem,
        features: { ...state.features, audioMuted: !media.audio || audioOff, videoMuted: !media.video || videoOff },
        devices: this.devicesInUse(),
      });
      return media;
    });
    return this.ready;
  }

  toggleAudio(): void {
    const { state } = this.store;
    if (!this.media?.audio) return this.store.set({ notice: 'There is no microphone to unmute: connect one and choose it in Devices.' });
    const audioMuted = !state.features.audioMuted;
    this.media.audio.enabled = !audioMuted;
    this.store.set({ features: { ...state.features, audioMuted } });
    this.announce();
  }

  toggleVideo(): void {
    const { state } = this.store;
    if (!this.media?.video) return this.store.set({ notice: 'There is no camera to turn on: connect one and choose it in Devices.' });
    const videoMuted = !state.features.videoMuted;
    this.media.video.enabled = !videoMuted;
    this.store.set({ features: { ...state.features, videoMuted } });
    this.announce();
  }

  async toggleScreen(): Promise<void> {
    if (this.store.state.features.screenSharing) return this.stopScreen();
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      this.store.set({ notice: 'Screen sharing was cancelled or is not allowed.' });
      return;
    }
    const track = stream.getVideoTracks()[0]!;
    // stopping from the browser's own "Stop sharing" bar ends the track
    track.addEventListener('ended', () => void this.stopScreen());
    await this.producer()?.shareScreen(track, stream);
    this.store.set({ localScreen: stream, features: { ...this.store.state.features, screenSharing: true } });
    this.announce();
  }

  private async stopScreen(): Promise<void> {
    if (!this.store.state.features.screenSharing) return;
    this.store.state.localScreen?.getTracks().forEach((t) => t.stop());
    await this.producer()?.stopScreen();
    this.store.set({ localScreen: undefined, features: { ...this.store.state.features, screenSharing: false } });
    this.announce();
  }

  /** Switches camera or microphone in place, and remembers the choice. */
  async useDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const track = await openTrack(kind, deviceId).catch(() => undefined);
    if (!track || !this.media) {
      this.store.set({ notice: `That ${kind === 'audio' ? 'microphone' : 'camera'} could not be opened.` });
      return;
    }
    await this.swapTrack(kind, track);
    savePreferences(kind === 'audio' ? { audioInputId: deviceOf(track) ?? deviceId } : { videoInputId: deviceOf(track) ?? deviceId });
  }

  /** Plays everyone's audio on this output device (setSinkId of their audio elements), and remembers it. */
  setAudioOutput(deviceId: string): void {
    this.store.set({ devices: { ...this.store.state.devices, audioOutputId: deviceId } });
    savePreferences({ audioOutputId: deviceId });
  }

  /** Camera, microphone and screen off for good (leaving). */
  stop(): void {
    this.media?.stream.getTracks().forEach((t) => t.stop());
    this.store.state.localScreen?.getTracks().forEach((t) => t.stop());
  }

  private async swapTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    const media = this.media!;
    const { state } = this.store;
    const old = kind === 'audio' ? media.audio : media.video;
    if (old) {
      media.stream.removeTrack(old);
      old.stop();
    }
    // a device chosen where there was none unmutes it; otherwise the mute state stays
    const wasMissing = !old;
    track.enabled = !(kind === 'audio' ? state.features.audioMuted : state.features.videoMuted) || wasMissing;
    media.stream.addTrack(track);
    if (kind === 'audio') media.audio = track;
    else media.video = track;
    this.watchTrack(track);
    await this.producer()?.replace(kind, track);
    const features = !wasMissing ? this.store.state.features : { ...this.store.state.features, ...(kind === 'audio' ? { audioMuted: false } : { videoMuted: false }) };
    this.store.set({ local: new MediaStream(media.stream.getTracks()), devices: this.devicesInUse(), features });
    if (wasMissing) this.announce();
  }

  /** A camera or microphone that ends by itself was unplugged (or taken away): fall back to the default one, and say so. */
  private watchTrack(track: MediaStreamTrack): void {
    track.addEventListener('ended', () => void this.deviceLost(track));
  }

  private async deviceLost(track: MediaStreamTrack): Promise<void> {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    const media = this.media;
    const current = () => (kind === 'audio' ? media?.audio : media?.video) === track;
    if (this.disposed() || !media || !current()) return;
    const what = kind === 'audio' ? 'microphone' : 'camera';
    const lostLabel = track.label || `Your ${what}`;
    const next = await openTrack(kind).catch(() => undefined);
    if (next && next.readyState === 'live' && current()) {
      await this.swapTrack(kind, next);
      this.store.set({ notice: `${lostLabel} was disconnected: now using ${next.label || `the default ${what}`}.` });
      return;
    }
    next?.stop();
    media.stream.removeTrack(track);
    if (kind === 'audio') media.audio = undefined;
    else media.video = undefined;
    await this.producer()?.replace(kind, null);
    this.store.set({
      local: new MediaStream(media.stream.getTracks()),
      devices: this.devicesInUse(),
      features: { ...this.store.state.features, ...(kind === 'audio' ? { audioMuted: true } : { videoMuted: true }) },
      notice: `${lostLabel} was disconnected and there is no other ${what}: connect one and choose it in Devices.`,
    });
    this.announce();
  }

  private devicesInUse(): CallState['devices'] {
    const audioInputId = deviceOf(this.media?.audio);
    const videoInputId = deviceOf(this.media?.video);
    const { audioOutputId } = this.store.state.devices;
    return { ...(audioInputId && { audioInputId }), ...(videoInputId && { videoInputId }), ...(audioOutputId && { audioOutputId }) };
  }
}
