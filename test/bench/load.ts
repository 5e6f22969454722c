/**
 * npm run bench:load — K rooms x M werift participants joining at once on the local stack (each
 * through the web client's own join flow: getRoomId, else claimRoom, else createRoom and claim until
 * ready), then holding the call for a while. Each size checks that
 * - every join succeeds, and no room is handed out twice (one room per URL, K different rooms);
 * - every participant receives every other's audio and video, byte for byte;
 * - while they hold, the tables hold exactly the live connections and peers; after they leave, none;
 * and the run ends by checking that no SFU task process is left over once the stack stops.
 * Sizes grow until one fails or the machine is saturated; the table says where it stopped (CPU,
 * sockets, DynamoDB Local latency). Engine: the default (mediasoup where a worker is found), or
 * `-- --engine werift|mediasoup`. `-- --sizes 2x3,4x4` and `-- --hold 20` change the plan.
 * A failed step leaves the stack's log (INFO, its SFU tasks' too) in test-artifacts/load-<K>x<M>-<engine>.log; the table
 * counts the participants the SFU asked to publish again (their publishing connection failed on its side)
 * and those whose receiving connection failed on their side and was restarted (ICE restart): each
 * participant recovers as the web client does.
 * Everything stays on 127.0.0.1 and stops by itself.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { joinRoom } from '../../web/src/api/joinRoom.ts';
import { RoomsApi } from '../../web/src/api/roomsApi.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines } from '../sfu/availableEngines.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({
  options: { engine: { type: 'string' }, sizes: { type: 'string' }, hold: { type: 'string' } },
});
const SIZES = (args.sizes ?? '2x2,2x4,4x3,4x4,6x4,8x4,6x6').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const HOLD_S = Number(args.hold ?? 15);
/** Where a failed step leaves the stack's log. */
const ARTIFACTS = 'test-artifacts';
/** Light synthetic video, so that the participants (all in this one process) are not the limit first. */
const VIDEO_KBPS = 150;
const FPS = 15;
const MEDIA_PACKETS = 20;

interface StepResult {
  k: number;
  m: number;
  ok: boolean;
  joinP50: number;
  joinMax: number;
  mediaMs: number;
  cpuBench: number;
  cpuStack: number;
  sockets: number;
  dbMs: number;
  loss: number;
  /** Participants the SFU asked to publish again (their publishing connection failed on its side). */
  publishedAgain: number;
  /** Participants whose receiving connection failed on their side and was restarted (ICE restart). */
  receiveRestarted: number;
  failure?: string;
}

/** CPU seconds (user + system) of a process and each of its descendants, by pid. */
function treeCpu(rootPid: number): Map<number, number> {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // gone
    }
  }
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) for (const [pid, ppid] of parent) if (ppid === pids[i]) pids.push(pid);
  return new Map(pids.map((pid) => [pid, cpu.get(pid) ?? 0]));
}

/** CPU seconds the tree used between two readings (processes that ended meanwhile are left out; new ones count from 0). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

const selfCpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** Open UDP and TCP sockets on the machine (all of them loopback here). */
function socketCount(): number {
  let n = 0;
  for (const file of ['/proc/net/udp', '/proc/net/tcp', '/proc/net/udp6', '/proc/net/tcp6']) {
    try {
      n += readFileSync(file, 'utf8').trim().split('\n').length - 1;
    } catch {
      // no such family
    }
  }
  return n;
}

/** SFU task processes of this stack (by the stack's table prefix in their environment). */
function sfuTasks(stackEnv: Record<string, string>): number[] {
  const marker = `LOCAL_STATE_FILE=${stackEnv.LOCAL_STATE_FILE}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(marker) && env.some((e) => e.startsWith('ROOM_ID='))) out.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

/** Rooms found closed at identify and joined afresh, as the web client does (its identify answered 410). */
let refound = 0;

async function join(stack: TestStack, urlPath: string): Promise<{ participant: WeriftParticipant; ms: number }> {
  const started = Date.now();
  // the web client's join flow: getRoomId, else claimRoom, else createRoom (a rejoin takes it again)
  const joinUrl = () => joinRoom(new RoomsApi(stack.url), urlPath, { timeoutMs: 120_000 });
  for (let attempt = 1; ; attempt++) {
    const access = await joinUrl();
    try {
      const participant = await WeriftParticipant.join({
        url: stack.wsUrl,
        token: access.token,
        roomId: access.roomId,
        peerId: access.peerId,
        videoBitrate: VIDEO_KBPS * 1000,
        fps: FPS,
        // it recovers as the web client does: ICE restart when its receiving connection fails, the URL joined again when its server goes
        rejoin: joinUrl,
      });
      return { participant, ms: Date.now() - started };
    } catch (error) {
      // the room idled out between being found and identify (a cold start under load can outlast ROOM_IDLE_SECONDS): find one afresh
      if (attempt >= 3 || !/Room is closed/.test((error as Error).message)) throw error;
      refound++;
    }
  }
}

async function mediaBetween(all: WeriftParticipant[], timeoutMs: number): Promise<void> {
  const state = () =>
    all
      .map((r) => `${r.peerId.slice(0, 8)} (producer ${r.producer?.connectionState}, consumer ${r.consumerState()} with ${r.consumerPeers().map((p) => p.slice(0, 8)).join('+') || 'nobody'}, ${r.errors.length} errors${r.errors.length ? ` ${JSON.stringify(r.errors[0]!.error)}` : ''}) got ${all.filter((o) => o !== r).map((o) => `${o.peerId.slice(0, 8)}: ${r.stream(o.peerId, 'audio').packets}a/${r.stream(o.peerId, 'video').packets}v`).join(', ')}`)
      .join('; ');
  await Promise.all(
    all.map((receiver) =>
      receiver.waitFor(
        () => all.every((sender) => sender === receiver || (receiver.stream(sender.peerId, 'audio').packets >= MEDIA_PACKETS && receiver.stream(sender.peerId, 'video').packets >= MEDIA_PACKETS)),
        timeoutMs,
        'media from everyone',
      ),
    ),
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}: ${state()}`);
  });
  for (const receiver of all) {
    for (const sender of all) {
      if (sender === receiver) continue;
      for (const kind of ['audio', 'video'] as const) {
        const s = receiver.stream(sender.peerId, kind);
        if (s.corrupt > 0) throw new Error(`${kind} ${sender.peerId} -> ${receiver.peerId}: ${s.corrupt} corrupt payloads`);
        if ([...s.publishers].some((p) => p !== sender.peerId)) throw new Error(`${kind} to ${receiver.peerId} carried someone else's media`);
      }
    }
  }
}

interface TableCounts {
  clientConnections: number;
  sfuConnections: number;
  peersByRoom: Map<string, Set<string>>;
}

async function tableCounts(stack: TestStack): Promise<TableCounts> {
  const snapshot = await stack.snapshot();
  // the snapshot's items are in DynamoDB's attribute-value form
  const text = (item: unknown, name: string) => (item as Record<string, { S?: string } | undefined>)[name]?.S;
  const connections = snapshot.connections.map((c) => ({ type: text(c, 'type') }));
  const peersByRoom = new Map<string, Set<string>>();
  for (const peer of snapshot.peers.map((p) => ({ roomId: text(p, 'roomId')!, peerId: text(p, 'peerId')! }))) {
    if (!peersByRoom.has(peer.roomId)) peersByRoom.set(peer.roomId, new Set());
    peersByRoom.get(peer.roomId)!.add(peer.peerId);
  }
  return {
    clientConnections: connections.filter((c) => c.type === 'client').length,
    sfuConnections: connections.filter((c) => c.type === 'sfu').length,
    peersByRoom,
  };
}

/** The tables hold exactly these rooms' participants (and their SFUs), and no other client. */
async function checkTables(stack: TestStack, rooms: Map<string, WeriftParticipant[]>, sfuIds: Map<string, string | undefined>): Promise<void> {
  const counts = await tableCounts(stack);
  const expectedClients = [...rooms.values()].reduce((n, ps) => n + ps.length, 0);
  if (counts.clientConnections !== expectedClients) throw new Error(`connections table: ${counts.clientConnections} client connections, ${expectedClients} live`);
  if (counts.sfuConnections < rooms.size) throw new Error(`connections table: ${counts.sfuConnections} SFU connections for ${rooms.size} rooms`);
  for (const [roomId, participants] of rooms) {
    const held = counts.peersByRoom.get(roomId) ?? new Set();
    const expected = new Set(participants.map((p) => p.peerId));
    const sfu = sfuIds.get(roomId);
    const extra = [...held].filter((id) => !expected.has(id) && id !== sfu);
    const missing = [...expected].filter((id) => !held.has(id));
    if (extra.length || missing.length) throw new Error(`peers of ${roomId}: extra ${extra.join(',') || '-'}, missing ${missing.join(',') || '-'}`);
  }
}

async function dbLatency(stack: TestStack): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < 5; i++) await stack.deps().roomRepository.listByStatus('AVAILABLE', 1);
  return (performance.now() - started) / 5;
}

async function runStep(stack: TestStack, k: number, m: number, step: number): Promise<StepResult> {
  const result: StepResult = { k, m, ok: false, joinP50: NaN, joinMax: NaN, mediaMs: NaN, cpuBench: NaN, cpuStack: NaN, sockets: NaN, dbMs: NaN, loss: NaN, publishedAgain: 0, receiveRestarted: 0 };
  const paths = Array.from({ length: k }, (_, i) => `load-${step}-${i}`);
  const joined: { path: string; participant: WeriftParticipant; ms: number }[] = [];
  const started = Date.now();
  try {
    // everyone at once
    const settled = await Promise.allSettled(paths.flatMap((path) => Array.from({ length: m }, () => join(stack, path).then((j) => ({ path, ...j })))));
    for (const s of settled) if (s.status === 'fulfilled') joined.push(s.value);
    const failed = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
    if (failed.length) throw new Error(`${failed.length} of ${k * m} joins failed: ${(failed[0]!.reason as Error).message}`);
    const times = joined.map((j) => j.ms);
    result.joinP50 = percentile(times, 50);
    result.joinMax = Math.max(...times);

    // one room per URL, and no room for two URLs
    const rooms = new Map<string, WeriftParticipant[]>();
    for (const path of paths) {
      const ids = new Set(joined.filter((j) => j.path === path).map((j) => j.participant.roomId));
      if (ids.size !== 1) throw new Error(`${path}: its participants are in ${ids.size} rooms`);
      const roomId = [...ids][0]!;
      if (rooms.has(roomId)) throw new Error(`room ${roomId} handed out for two URLs`);
      rooms.set(roomId, joined.filter((j) => j.path === path).map((j) => j.participant));
    }
    await Promise.all([...rooms.values()].map((ps) => mediaBetween(ps, 90_000)));
    result.mediaMs = Date.now() - started;
    const sfuIds = new Map<string, string | undefined>();
    for (const roomId of rooms.keys()) sfuIds.set(roomId, (await stack.deps().roomRepository.getRoom(roomId))?.sfuId);
    await checkTables(stack, rooms, sfuIds);

    // hold: CPU, sockets, DynamoDB Local latency, and media keeps flowing
    const packets = () => joined.reduce((n, j) => n + [...rooms.values()].flat().reduce((s, o) => s + (o === j.participant ? 0 : j.participant.stream(o.peerId, 'video').packets), 0), 0);
    const cpu0 = { bench: selfCpu(), stack: treeCpu(stack.process.pid!), at: performance.now() };
    const packets0 = packets();
    await new Promise((r) => setTimeout(r, HOLD_S * 1000));
    const wall = (performance.now() - cpu0.at) / 1000;
    result.cpuBench = (100 * (selfCpu() - cpu0.bench)) / wall;
    result.cpuStack = (100 * cpuBetween(cpu0.stack, treeCpu(stack.process.pid!))) / wall;
    result.sockets = socketCount();
    result.dbMs = await dbLatency(stack);
    // video packets expected while holding: every receiver from every other publisher
    const perPublisher = (VIDEO_KBPS * 1000 * HOLD_S) / 8 / 1100;
    const expected = k * m * (m - 1) * perPublisher;
    result.loss = Math.max(0, 1 - (packets() - packets0) / expected);
    if (result.loss > 0.2) throw new Error(`${Math.round(result.loss * 100)}% of the video did not arrive while holding`);
    await checkTables(stack, rooms, sfuIds);
    result.ok = true;
  } catch (error) {
    result.failure = (error as Error).message.split('\n')[0];
  } finally {
    result.publishedAgain = joined.filter((j) => j.participant.publishedAgain > 0).length;
    result.receiveRestarted = joined.filter((j) => j.participant.receiveIceRestarts > 0).length;
    await Promise.all(joined.map((j) => j.participant.close()));
  }
  // after everyone left: no client connection or peer is left in the tables
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await tableCounts(stack);
    const clientPeers = [...counts.peersByRoom.values()].reduce((n, s) => n + s.size, 0) - counts.sfuConnections;
    if (counts.clientConnections === 0 && clientPeers <= 0) break;
    if (Date.now() > deadline) {
      result.ok = false;
      result.failure ??= `after leaving: ${counts.clientConnections} client connections, ${clientPeers} peers left in the tables`;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return result;
}

async function main(): Promise<void> {
  const engines = availableEngines().engines;
  // the default: mediasoup where a worker is found (what the local stack runs then), else werift
  const engine = args.engine ? engines.find((e) => e.name === args.engine) : (engines.find((e) => e.name === 'mediasoup') ?? engines[0]);
  if (!engine) throw new Error(`engine ${args.engine} cannot run here (${availableEngines().coverage})`);
  const maxK = Math.max(...SIZES.map(([k]) => k));
  console.log(`bench:load on ${engine.name}: sizes ${SIZES.map(([k, m]) => `${k}x${m}`).join(', ')}, hold ${HOLD_S} s, synthetic video ${VIDEO_KBPS} kbit/s at ${FPS} fps + audio per participant`);
  // rooms idle out after the step and free their places; the cap leaves room for a join flow's extra createRoom calls
  const stack = await startStack({ ...engine.stackEnv, WARM_ROOMS: '2', MAX_ROOMS: String(maxK * 3 + 4), RECONCILE_INTERVAL_SECONDS: '1', ROOM_IDLE_SECONDS: '30', POWERTOOLS_LOG_LEVEL: 'INFO' });
  const results: StepResult[] = [];
  try {
    // the warm pool first: joins at once then claim ready rooms (and start more when they run out)
    for (let i = 0; i < 600 && (await stack.deps().roomRepository.listByStatus('AVAILABLE', 2)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    for (const [i, [k, m]] of SIZES.entries()) {
      process.stdout.write(`  ${k} rooms x ${m} participants ... `);
      const r = await runStep(stack, k, m, i);
      results.push(r);
      console.log(r.ok ? 'ok' : `FAILED: ${r.failure}`);
      if (!r.ok) {
        // the stack's and its SFU tasks' log (INFO) of the failed step, for finding out why
        mkdirSync(ARTIFACTS, { recursive: true });
        const logFile = `${ARTIFACTS}/load-${k}x${m}-${engine.name}.log`;
        writeFileSync(logFile, stack.output());
        console.log(`  the stack's log: ${logFile}`);
        break;
      }
      // stop before the machine is saturated: the participants and the stack share 2 cores
      if (r.cpuBench + r.cpuStack > 180) break;
    }
  } finally {
    await stack.stop();
  }
  await new Promise((r) => setTimeout(r, 3000));
  const leftover = sfuTasks(stack.env);

  console.log('');
  console.log('  K x M   joins  join p50  join max  media all  bench CPU  stack+SFU CPU  sockets  DynamoDB  video lost  published again  receive restarted  result');
  for (const r of results) {
    const cells = [
      `${r.k} x ${r.m}`.padEnd(7),
      String(r.k * r.m).padStart(5),
      `${r.joinP50} ms`.padStart(9),
      `${r.joinMax} ms`.padStart(9),
      `${r.mediaMs} ms`.padStart(10),
      `${r.cpuBench.toFixed(0)}%`.padStart(10),
      `${r.cpuStack.toFixed(0)}%`.padStart(14),
      String(r.sockets).padStart(8),
      `${r.dbMs.toFixed(1)} ms`.padStart(9),
      `${(r.loss * 100).toFixed(1)}%`.padStart(11),
      String(r.publishedAgain).padStart(16),
      String(r.receiveRestarted).padStart(18),
      r.ok ? 'ok' : `FAILED: ${r.failure}`,
    ];
    console.log(`  ${cells.join(' ')}`);
  }
  const held = results.filter((r) => r.ok);
  const best = held.sort((a, b) => b.k * b.m - a.k * a.m)[0];
  const last = results.at(-1);
  console.log('');
  console.log(best ? `largest held: ${best.k} rooms x ${best.m} participants (${best.k * best.m} participants, ${best.k * best.m * (best.m - 1)} forwarded video streams)` : 'no size held');
  if (last && !last.ok) console.log(`stopped at ${last.k} x ${last.m}: ${last.failure}`);
  else if (last && last.cpuBench + last.cpuStack > 180) console.log(`stopped at ${last.k} x ${last.m}: CPU (${(last.cpuBench + last.cpuStack).toFixed(0)}% of 200%: the participants in this process and the SFU tasks share 2 cores)`);
  else console.log('every planned size held; pass bigger -- --sizes to find the limit');
  console.log(`rooms found closed at identify (idled out meanwhile) and joined afresh: ${refound}`);
  console.log(leftover.length ? `LEFT OVER: SFU task processes ${leftover.join(', ')}` : 'no SFU task process left over after the stack stopped');
  if (leftover.length || !best) process.exitCode = 1;
}

await main();
