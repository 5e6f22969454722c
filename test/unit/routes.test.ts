import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePath, httpRoutes, scheduledJobs, wsRoutes } from '../../lib/routes.ts';
import { tableList, tables } from '../../lib/tables.ts';
import { REPO_ROOT } from '../../local/stack.ts';

describe('route table', () => {
  it('points every route at an existing entry file, each route once', () => {
    for (const route of [...httpRoutes, ...wsRoutes, ...scheduledJobs]) {
      expect(existsSync(resolve(REPO_ROOT, route.entry)), route.entry).toBe(true);
      for (const table of route.access.tables) expect(tables[table], `${route.name}: ${table}`).toBeDefined();
    }
    const httpKeys = httpRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(httpKeys).size).toBe(httpKeys.length);
    const names = [...httpRoutes, ...wsRoutes, ...scheduledJobs].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(wsRoutes.map((r) => r.routeKey)).toEqual(expect.arrayContaining(['$connect', '$disconnect', '$default', 'identify', 'handshake', 'message', 'keepalive']));
  });

  it('compiles path parameters and escapes the rest', () => {
    const { regex, params } = compilePath('/rooms/{roomId}');
    expect(params).toEqual(['roomId']);
    expect(regex.exec('/rooms/abc-1')?.[1]).toBe('abc-1');
    expect(regex.test('/rooms/abc/extra')).toBe(false);
    expect(compilePath('/.well-known/jwks.json').regex.test('/x-well-known/jwks.json')).toBe(false);
  });
});

describe('table definitions', () => {
  it('give every table a distinct env var, and every TTL attribute a name', () => {
    expect(new Set(tableList.map((t) => t.envVar)).size).toBe(tableList.length);
    expect(tables.rooms.globalSecondaryIndexes[0]?.partitionKey.name).toBe('status');
    expect(tables.peers.sortKey?.name).toBe('peerId');
  });
});
