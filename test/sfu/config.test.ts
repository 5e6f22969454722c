/** SFU task configuration: defaults, every validation rule, one clear message per bad value. */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../sfu-task/src/config.ts';
import { findWorkerBin } from '../../sfu-task/src/engines/mediasoup/workerBin.ts';

/** A home without a worker in its ~/.cache. */
const emptyHome = mkdtempSync(join(tmpdir(), 'sfu-config-home-'));

const base = {
  SIGNALING_URL: 'ws://127.0.0.1:8080/ws',
  ROOM_ID: 'room-1',
  SFU_ID: '1f0c8e0a-5a4b-4d4e-8f00-123456789abc',
  ANNOUNCED_IP: '127.0.0.1',
};

const message = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an invalid configuration');
};

describe('sfu-task config', () => {
  it('reads the environment with defaults', () => {
    // no SFU_ENGINE: mediasoup if mediasoup's own install step left a worker, else werift
    const installed = findWorkerBin(undefined, emptyHome);
    const config = loadConfig(base, emptyHome);
    expect(config.engineReason).toMatch(installed ? /mediasoup's installed worker at .* found$/ : /^no mediasoup worker binary at /);
    expect(config).toEqual({
      signalingUrl: 'ws://127.0.0.1:8080/ws',
      roomId: 'room-1',
      sfuId: base.SFU_ID,
      sfuToken: undefined,
      announcedIp: '127.0.0.1',
      ecsMetadataUri: undefined,
      portRange: undefined,
      engine: installed ? 'mediasoup' : 'werift',
      engineReason: config.engineReason,
      mediasoup: { workerBin: installed?.path, rtcPort: 44_444, workers: availableParallelism(), ioUring: false },
      idleMs: 300_000,
      keepaliveMs: 240_000,
      rotateMs: 110 * 60_000,
      healthFile: undefined,
      logLevel: 'INFO',
    });
  });

  it('takes every setting', () => {
    const config = loadConfig({
      ...base,
      SIGNALING_URL: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
      SFU_TOKEN: 'eyJ.token',
      RTC_MIN_PORT: '40000',
      RTC_MAX_PORT: '40100',
      SFU_ENGINE: 'mediasoup',
      MEDIASOUP_WORKER_BIN: '/bin/true',
      ROOM_IDLE_SECONDS: '1.5',
      KEEPALIVE_SECONDS: '60',
      SIGNALING_ROTATE_SECONDS: '3600',
      HEALTH_FILE: '/tmp/health',
      POWERTOOLS_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      sfuToken: 'eyJ.token',
      portRange: [40000, 40100],
      engine: 'mediasoup',
      idleMs: 1500,
      keepaliveMs: 60_000,
      rotateMs: 3_600_000,
      healthFile: '/tmp/health',
      logLevel: 'DEBUG',
    });
  });

  it('mediasoup: worker binary, WebRtcServer port and worker count', () => {
    const config = loadConfig({ ...base, SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/bin/true', MEDIASOUP_RTC_PORT: '50000', MEDIASOUP_WORKERS: '2' });
    expect(config.mediasoup).toEqual({ workerBin: '/bin/true', rtcPort: 50000, workers: 2, ioUring: false });
    expect(config.engineReason).toBe('SFU_ENGINE=mediasoup, MEDIASOUP_WORKER_BIN=/bin/true');
    expect(loadConfig({ ...base, MEDIASOUP_RTC_PORT: '0' }).mediasoup.rtcPort).toBe(0); // any free port
    // a worker found is used without SFU_ENGINE; SFU_ENGINE=werift still forces werift
    expect(loadConfig({ ...base, MEDIASOUP_WORKER_BIN: '/bin/true' }).engine).toBe('mediasoup');
    expect(loadConfig({ ...base, MEDIASOUP_WORKER_BIN: '/bin/true', SFU_ENGINE: 'werift' }).engine).toBe('werift');
    expect(loadConfig({ ...base, MEDIASOUP_WORKER_BIN: '/nonexistent/worker' }).engine).toBe('werift');
    expect(message({ ...base, SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/nonexistent/worker' })).toMatch(
      /^SFU_ENGINE=mediasoup: no mediasoup worker binary at \/nonexistent\/worker \(/,
    );
  });

  it('MEDIASOUP_IO_URING: off by default, "on" gives the workers mediasoup\'s own io_uring sends, anything else is refused', () => {
    expect(loadConfig({ ...base, MEDIASOUP_IO_URING: 'off' }).mediasoup.ioUring).toBe(false);
    expect(loadConfig({ ...base, MEDIASOUP_IO_URING: ' OFF ' }).mediasoup.ioUring).toBe(false);
    expect(loadConfig({ ...base, MEDIASOUP_IO_URING: 'on' }).mediasoup.ioUring).toBe(true);
    expect(loadConfig({ ...base, MEDIASOUP_IO_URING: '' }).mediasoup.ioUring).toBe(false);
    expect(loadConfig(base).mediasoup.ioUring).toBe(false);
    expect(message({ ...base, MEDIASOUP_IO_URING: 'no' })).toMatch(/MEDIASOUP_IO_URING must be "on" or "off"/);
  });

  it('an empty SFU_TOKEN is no token (before the signaling plane mints them)', () => {
    expect(loadConfig({ ...base, SFU_TOKEN: '' }).sfuToken).toBeUndefined();
  });

  it('without ANNOUNCED_IP it needs the ECS metadata endpoint', () => {
    const { ANNOUNCED_IP: _, ...noIp } = base;
    expect(loadConfig({ ...noIp, ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/abc' }).ecsMetadataUri).toBe(
      'http://169.254.170.2/v4/abc',
    );
    expect(message(noIp)).toMatch(/ANNOUNCED_IP is unset and ECS_CONTAINER_METADATA_URI_V4 too/);
  });

  it.each([
    [{ SIGNALING_URL: '' }, 'SIGNALING_URL is required'],
    [{ SIGNALING_URL: 'http://127.0.0.1:8080/ws' }, 'SIGNALING_URL must be a ws:// or wss:// URL'],
    [{ ROOM_ID: '' }, 'ROOM_ID is required'],
    [{ SFU_ID: 'has spaces' }, 'SFU_ID must be 1-64 characters'],
    [{ ANNOUNCED_IP: 'localhost' }, 'ANNOUNCED_IP must be an IPv4 or IPv6 address'],
    [{ RTC_MIN_PORT: '40000' }, 'RTC_MIN_PORT and RTC_MAX_PORT must be set together'],
    [{ RTC_MIN_PORT: '40000', RTC_MAX_PORT: '40000' }, 'RTC_MIN_PORT (40000) must be below RTC_MAX_PORT (40000)'],
    [{ RTC_MIN_PORT: '80', RTC_MAX_PORT: '90' }, 'RTC_MIN_PORT must be a port number from 1024 to 65535, got "80"'],
    [{ SFU_ENGINE: 'janus' }, 'SFU_ENGINE must be "werift" or "mediasoup"'],
    [{ MEDIASOUP_RTC_PORT: '1000' }, 'MEDIASOUP_RTC_PORT must be a port number from 1024 to 65535, got "1000"'],
    [{ MEDIASOUP_WORKERS: '0' }, 'MEDIASOUP_WORKERS must be a whole number from 1 to 64, got "0"'],
    [{ MEDIASOUP_WORKERS: '1.5' }, 'MEDIASOUP_WORKERS must be a whole number from 1 to 64, got "1.5"'],
    [{ MEDIASOUP_RTC_PORT: '65535', MEDIASOUP_WORKERS: '2' }, 'MEDIASOUP_RTC_PORT + MEDIASOUP_WORKERS - 1 must be at most 65535'],
    [{ ROOM_IDLE_SECONDS: '0' }, 'ROOM_IDLE_SECONDS must be a number of seconds above 0'],
    [{ ROOM_IDLE_SECONDS: 'soon' }, 'ROOM_IDLE_SECONDS must be a number of seconds above 0 and at most 604800, got "soon"'],
    [{ KEEPALIVE_SECONDS: '600' }, 'KEEPALIVE_SECONDS must be a number of seconds above 0 and at most 540'],
    [{ SIGNALING_ROTATE_SECONDS: '7200' }, 'SIGNALING_ROTATE_SECONDS must be a number of seconds above 0 and at most 7140'],
    [{ POWERTOOLS_LOG_LEVEL: 'LOUD' }, 'POWERTOOLS_LOG_LEVEL must be one of'],
  ])('rejects %o', (override, expected) => {
    const text = message({ ...base, ...override });
    expect(text.startsWith('invalid configuration: ')).toBe(true);
    expect(text).toContain(expected);
    expect(text).not.toContain('\n');
  });
});
