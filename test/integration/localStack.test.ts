/** The local stack process: starts, serves, keeps the warm pool, fails clearly, and leaves no child behind. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/stack.ts';
import { call, startStack } from '../helpers/localStack.ts';

/** Every descendant of a pid, from the process table. */
function descendants(root: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=']).toString().trim().split('\n');
  const children = new Map<number, number[]>();
  for (const line of table) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The environment of the task process started for a room (found by its ROOM_ID). */
function taskEnvironment(roomId: string): Record<string, string> | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const vars = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (vars.includes(`ROOM_ID=${roomId}`)) return Object.fromEntries(vars.filter(Boolean).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
    } catch {
      // gone, or not ours
    }
  }
  return undefined;
}

describe('local stack process', () => {
  it('says in one line which SFU engine its rooms run and why, and gives it to the tasks as the task definition would', async () => {
    for (const [env, line, taskEnv] of [
      [{ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' }, /^rooms run the werift SFU engine: no mediasoup worker binary at \/nonexistent\/mediasoup-worker; /m, { SFU_ENGINE: 'werift' }],
      // any executable counts as found here (the idle stand-in task never starts it)
      [{ MEDIASOUP_WORKER_BIN: '/bin/true' }, /^rooms run the mediasoup SFU engine: MEDIASOUP_WORKER_BIN=\/bin\/true found$/m, { SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/bin/true', MEDIASOUP_WORKERS: '1', MEDIASOUP_RTC_PORT: '0' }],
      [{ MEDIASOUP_WORKER_BIN: '/bin/true', SFU_ENGINE: 'werift' }, /^rooms run the werift SFU engine: SFU_ENGINE=werift$/m, { SFU_ENGINE: 'werift' }],
    ] as const) {
      const stack = await startStack(env);
      try {
        expect(stack.output()).toMatch(line);
        const created = await call(stack.url, 'PUT', '/createRoom');
        expect(created.status).toBe(200);
        const seen = await waitFor('the task process', () => taskEnvironment(created.body.roomId as string));
        expect(seen).toMatchObject(taskEnv);
        if (taskEnv.SFU_ENGINE === 'werift') expect(seen.MEDIASOUP_WORKER_BIN).toBeUndefined();
      } finally {
        await stack.stop();
      }
    }
  });

  it('SFU_ENGINE=mediasoup without a worker binary: one line naming where it looked, and no start', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: SFU_ENGINE=mediasoup: no mediasoup worker binary at \/nonexistent\/mediasoup-worker \(.*npm rebuild mediasoup/),
    ]);
    expect(run.stdout).not.toMatch(/ready/);
  });

  it('keeps WARM_ROOMS rooms starting, serves, and on SIGTERM stops every child process', async () => {
    const stack = await startStack({ WARM_ROOMS: '2', RECONCILE_INTERVAL_SECONDS: '1' });
    try {
      expect(stack.output()).toMatch(/^ready http:\/\/127\.0\.0\.1:\d+$/m);
      // the reconciler starts the pool: two STARTING rooms, two task processes
      const starting = await waitFor('2 warm rooms', async () => {
        const rooms = await stack.deps().roomRepository.listByStatus('STARTING', 10);
        return rooms.length === 2 ? rooms : undefined;
      });
      // a claim takes one; the pool is topped up again
      await stack.deps().rooms.markAvailable(starting[0]!.roomId);
      expect((await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'pool-test' })).status).toBe(200);
      await waitFor('pool topped up', async () => {
        const [s, a] = await Promise.all([
          stack.deps().roomRepository.listByStatus('STARTING', 10),
          stack.deps().roomRepository.listByStatus('AVAILABLE', 10),
        ]);
        return s.length + a.length === 2 || undefined;
      });

      // DynamoDB Local (java), three task processes and each task's own child. The room row is
      // written before RunTask spawns its process, so wait for the processes rather than count once.
      const children = await waitFor('every child process', () => {
        const found = descendants(stack.process.pid!);
        return found.length >= 1 + 3 * 2 ? found : undefined;
      });
      const code = await stack.stop('SIGTERM');
      expect(code).toBe(0);
      await waitFor('children gone', () => children.every((pid) => !alive(pid)) || undefined, 10_000);
      expect(children.filter(alive)).toEqual([]);
    } finally {
      await stack.stop('SIGKILL');
    }
  });

  it('SIGINT stops it the same way', async () => {
    const stack = await startStack();
    const created = await call(stack.url, 'PUT', '/createRoom');
    expect(created.status).toBe(200);
    await waitFor('task child', () => (descendants(stack.process.pid!).length >= 3 ? true : undefined));
    const children = descendants(stack.process.pid!);
    expect(await stack.stop('SIGINT')).toBe(0);
    await waitFor('children gone', () => children.every((pid) => !alive(pid)) || undefined, 10_000);
  });

  it('says in one line what to install when Java is missing', () => {
    // a PATH with node but without java
    const bin = mkdtempSync(join(tmpdir(), 'nojava-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: bin, PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Java is not installed: .*apt-get install -y openjdk-17-jre-headless/);
  });

  it('refuses a bad setting at start with a clear message', () => {
    const signIn = { SIGN_IN_ISSUER: 'https://login.example.com', SIGN_IN_CLIENT_ID: 'web' };
    for (const [name, settings, message] of [
      ['WARM_ROOMS', { WARM_ROOMS: 'lots' }, /WARM_ROOMS must be an integer from 0 to 100, got "lots"/],
      ['MAX_ROOMS', { MAX_ROOMS: '0' }, /MAX_ROOMS must be an integer from 1/],
      ['PORT', { PORT: '70000' }, /PORT must be a port number/],
      ['SFU_ENGINE', { SFU_ENGINE: 'janus' }, /SFU_ENGINE must be "werift" or "mediasoup"/],
      ['CALL_RING_SECONDS', { CALL_RING_SECONDS: '1' }, /CALL_RING_SECONDS must be an integer from 5 to 600, got "1"/],
      ['SIGN_IN_ISSUER alone', { SIGN_IN_ISSUER: 'https://login.example.com' }, /SIGN_IN_ISSUER and SIGN_IN_CLIENT_ID go together/],
      ['SIGN_IN_* without EXTERNAL_ISSUERS', signIn, /SIGN_IN_ISSUER https:\/\/login\.example\.com must also be in EXTERNAL_ISSUERS/],
    ] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, PORT: '0', ...settings },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, name).toBe(1);
      expect(run.stderr, name).toMatch(message);
      expect(run.stdout, name).not.toMatch(/ready/);
    }
  });
});
