/** Deployer settings from CDK context: defaults, command-line strings, and clear errors. */
import { describe, expect, it } from 'vitest';
import { parseSettings, SETTING_KEYS, SettingsError } from '../../lib/settings.ts';
import { cdkJsonContext } from './synthApp.ts';

describe('settings', () => {
  it('cdk.json sets every setting, and its values are valid', () => {
    const context = cdkJsonContext();
    for (const key of SETTING_KEYS) expect(context, key).toHaveProperty(key);
    expect(parseSettings(context)).toMatchObject({ stackPrefix: 'VideoRooms', removalPolicy: 'retain', sfuUdpPortRange: { min: 40000, max: 40999 } });
  });

  it('has defaults for everything', () => {
    expect(parseSettings({})).toMatchObject({ warmRooms: 1, maxRooms: 20, roomIdleSeconds: 300, sfuEngine: 'mediasoup', turnServers: [], alarmEmail: '' });
  });

  it('accepts -c key=value strings', () => {
    const s = parseSettings({
      warmRooms: '3',
      maxRooms: '50',
      sfuUdpPortRange: '50000-50010',
      turnServers: '[{"urls":"turn:turn.example.com:3478","username":"u","credential":"p"}]',
      removalPolicy: 'destroy',
      sfuEngine: 'mediasoup',
    });
    expect(s).toMatchObject({ warmRooms: 3, maxRooms: 50, sfuUdpPortRange: { min: 50000, max: 50010 }, removalPolicy: 'destroy', sfuEngine: 'mediasoup' });
    expect(s.turnServers).toEqual([{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'p' }]);
  });

  it('takes access settings: the anonymous room allowance, external issuers, the site URL', () => {
    const s = parseSettings({
      maxRooms: '10',
      anonymousMaxRooms: '4',
      externalIssuers: '[{"issuer":"https://idp.example.com","audience":"video-rooms","jwksUri":"https://idp.example.com/jwks","scopes":["rooms:create"]}]',
      siteUrl: 'https://rooms.example.com',
    });
    expect(s).toMatchObject({ anonymousMaxRooms: 4, siteUrl: 'https://rooms.example.com' });
    expect(s.externalIssuers).toEqual([{ issuer: 'https://idp.example.com', audience: 'video-rooms', jwksUri: 'https://idp.example.com/jwks', scopes: ['rooms:create'] }]);
    expect(parseSettings({})).toMatchObject({ anonymousMaxRooms: '', externalIssuers: [], siteUrl: '' });
  });

  it.each([
    [{ warmRooms: -1 }, 'warmRooms'],
    [{ maxRooms: 'many' }, 'maxRooms'],
    [{ sfuEngine: 'janus' }, 'sfuEngine'],
    [{ sfuUdpPortRange: '50010-50000' }, 'sfuUdpPortRange'],
    [{ sfuUdpPortRange: '80-90' }, 'sfuUdpPortRange'],
    [{ removalPolicy: 'snapshot' }, 'removalPolicy'],
    [{ logRetentionDays: 2 }, 'logRetentionDays'],
    [{ sfuCpu: 300 }, 'sfuCpu'],
    [{ turnServers: '[{"url":"turn:x"}]' }, 'turnServers'],
    [{ turnServers: 'not json' }, 'turnServers'],
    [{ alarmEmail: 'nobody' }, 'alarmEmail'],
    [{ maxRooms: 5, anonymousMaxRooms: 6 }, 'anonymousMaxRooms'],
    [{ externalIssuers: '[{"issuer":"idp","audience":"a","jwksUri":"https://idp/jwks"}]' }, 'externalIssuers'],
    [{ externalIssuers: '[{"issuer":"https://idp","audience":"a","jwksUri":"https://idp/jwks","scopes":["root"]}]' }, 'externalIssuers'],
    [{ siteUrl: 'rooms.example.com' }, 'siteUrl'],
  ] as [Record<string, unknown>, string][])('rejects %j naming %s', (context, key) => {
    expect(() => parseSettings(context)).toThrow(SettingsError);
    expect(() => parseSettings(context)).toThrow(new RegExp(`${key}|JSON`));
  });
});
