/** The shared device list: one listing for every picker, kept current, never overwritten by a stale answer. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listing = { resolve: (devices: MediaDeviceInfo[]) => void };

const device = (deviceId: string, kind: MediaDeviceKind = 'audioinput') => ({ deviceId, kind, label: deviceId, groupId: '' }) as MediaDeviceInfo;

let listings: Listing[];
let onDeviceChange: (() => void) | undefined;

beforeEach(() => {
  vi.resetModules();
  listings = [];
  onDeviceChange = undefined;
  vi.stubGlobal('navigator', {
    mediaDevices: {
      enumerateDevices: () => new Promise<MediaDeviceInfo[]>((resolve) => listings.push({ resolve })),
      addEventListener: (type: string, listener: () => void) => {
        if (type === 'devicechange') onDeviceChange = listener;
      },
    },
  });
});

afterEach(() => vi.unstubAllGlobals());

describe('deviceList', () => {
  it('lists the devices once for everyone who listens, without the unnamed ones', async () => {
    const { currentDevices, reloadDevices, subscribeDevices } = await import('../../web/src/call/deviceList.ts');
    const heard = vi.fn();
    subscribeDevices(heard);
    const loaded = reloadDevices();
    expect(currentDevices()).toEqual([]);
    listings[0]!.resolve([device('mic-1'), device(''), device('cam-1', 'videoinput')]);
    await loaded;
    expect(currentDevices().map((d) => d.deviceId)).toEqual(['mic-1', 'cam-1']);
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('a listing that answers after a newer one changes nothing', async () => {
    const { currentDevices, reloadDevices } = await import('../../web/src/call/deviceList.ts');
    const older = reloadDevices();
    const newer = reloadDevices();
    listings[1]!.resolve([device('mic-1'), device('mic-2')]);
    await newer;
    listings[0]!.resolve([device('mic-1')]);
    await older;
    expect(currentDevices().map((d) => d.deviceId)).toEqual(['mic-1', 'mic-2']);
  });

  it('a device plugged in or out lists them again', async () => {
    const { currentDevices, reloadDevices } = await import('../../web/src/call/deviceList.ts');
    const first = reloadDevices();
    listings[0]!.resolve([device('mic-1'), device('mic-2')]);
    await first;
    onDeviceChange!();
    expect(listings).toHaveLength(2);
    listings[1]!.resolve([device('mic-1')]);
    await vi.waitFor(() => expect(currentDevices().map((d) => d.deviceId)).toEqual(['mic-1']));
  });
});
