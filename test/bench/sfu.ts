/**
 * `npm run bench:sfu [-- --engine werift|mediasoup]`: one publisher sending synthetic VP8 at about
 * 500 kbit/s plus Opus, and N subscribers (1, 20, 40, 80, 160), through the real SFU process
 * (sfu-task/src/main.ts, a child process so that its CPU and memory are its own; with mediasoup, its
 * worker process is counted in) and a tiny in-process signaling server. Without `--engine` it runs
 * the same load on both engines, one after the other (mediasoup where a worker binary is found), and
 * prints both tables and a side-by-side comparison with the ratio.
 * Subscribers are added step by step; per N, after a warm-up, one measuring window gives:
 * forwarded packets/s (received by the subscribers), the SFU process's CPU share of one core
 * (/proc/<pid>/stat), its resident memory, and the subscribers' packet loss (publisher counters).
 * The publisher runs in a child process of its own (this file with `publisher <url>`), so that the
 * subscribers' receive work in this process cannot slow its sending; the subscribers' CPU is printed
 * too (when it nears 100% the numbers stop meaning much on this 2-core machine).
 * This VM's speed changes over time (the same run measured mediasoup at 8 and at 26 us per forwarded
 * packet an hour apart, werift at 21 and 50, the subscribers' CPU alike; pinning processes to cores
 * made no difference), so each engine's table starts with a fixed reference workload's time
 * (SRTP-like AES-128-GCM of 1200-byte packets in this process): compare runs by it, and the two
 * engines of one run by their ratio.
 * Traffic stays on 127.0.0.1; it stops by itself.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { findWorkerBin, missingWorkerReason } from '../../sfu-task/src/engines/mediasoup/workerBin.ts';
import { type Kind, WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { MiniSignaling } from '../sfu/miniSignaling.ts';
import { startSfu } from '../sfu/sfuProcess.ts';

const STEPS = (process.env.BENCH_SFU_STEPS ?? '1,20,40,80,160').split(',').map(Number);
const WARMUP_MS = Number(process.env.BENCH_SFU_WARMUP_MS ?? 3000);
const WINDOW_MS = Number(process.env.BENCH_SFU_WINDOW_MS ?? 10000);
const CPU_LIMIT = 0.8;
const JOIN_BATCH = 4;
const ROOM = 'bench-room';
const CLK_TCK = 100; // Linux USER_HZ

interface Sample {
  cpuSeconds: number;
  /** Of which the SFU's Node process itself (the rest: its mediasoup workers). */
  nodeCpuSeconds: number;
  rssMb: number;
  at: number;
}

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The process's direct children (mediasoup workers are children of the SFU process). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** CPU and resident memory of the process and its children. */
function sampleProcess(pid: number): Sample {
  let cpuSeconds = 0;
  let nodeCpuSeconds = 0;
  let rssMb = 0;
  for (const p of [pid, ...childrenOf(pid)]) {
    const fields = statFields(p);
    const seconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    cpuSeconds += seconds;
    if (p === pid) nodeCpuSeconds = seconds;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    rssMb += rss ? Number(rss[1]) / 1024 : NaN;
  }
  return { cpuSeconds, nodeCpuSeconds, rssMb, at: performance.now() };
}

type Engine = 'werift' | 'mediasoup';

/** The machine's speed now: microseconds per AES-128-GCM encryption of a 1200-byte packet (median of 5 rounds). */
function referenceMicros(): number {
  const key = randomBytes(16);
  const packet = randomBytes(1200);
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(i, 8);
      const cipher = createCipheriv('aes-128-gcm', key, iv);
      cipher.update(packet);
      cipher.final();
      cipher.getAuthTag();
    }
    rounds.push(Number(process.hrtime.bigint() - started) / 1000 / 20_000);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

/** `--engine X`: that one; otherwise both, mediasoup where a worker binary is found. */
function enginesToRun(argv: string[]): Engine[] {
  const i = argv.indexOf('--engine');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--engine='))?.slice('--engine='.length);
  if (value === undefined) {
    if (findWorkerBin(process.env.MEDIASOUP_WORKER_BIN || undefined)) return ['werift', 'mediasoup'];
    console.log(`bench:sfu: werift only (${missingWorkerReason(process.env.MEDIASOUP_WORKER_BIN || undefined)})`);
    return ['werift'];
  }
  if (value !== 'werift' && value !== 'mediasoup') throw new Error(`--engine must be werift or mediasoup, got ${String(value)}`);
  return [value];
}

/** The SFU environment of the engine; for mediasoup, stops here when no worker binary exists. */
function engineEnv(engine: Engine): Record<string, string> {
  if (engine === 'werift') return { SFU_ENGINE: 'werift' };
  const configured = process.env.MEDIASOUP_WORKER_BIN || undefined;
  const bin = findWorkerBin(configured);
  if (!bin) {
    console.error(`bench:sfu --engine mediasoup: ${missingWorkerReason(configured)}.`);
    console.error('Nothing measured. Install mediasoup with its install script, or point MEDIASOUP_WORKER_BIN at a worker, and run again.');
    process.exit(1);
  }
  return {
    SFU_ENGINE: 'mediasoup',
    MEDIASOUP_WORKERS: '1',
    MEDIASOUP_RTC_PORT: process.env.MEDIASOUP_RTC_PORT ?? '44444',
    MEDIASOUP_WORKER_BIN: bin.path,
    // on or off: compare the worker's sends with and without io_uring
    ...(process.env.MEDIASOUP_IO_URING && { MEDIASOUP_IO_URING: process.env.MEDIASOUP_IO_URING }),
  };
}

interface Counts {
  received: number;
  expected: number;
}

/** Per subscriber and kind: packets received, and how far the publisher's counter advanced. */
function snapshot(subscribers: WeriftParticipant[], publisher: string): Map<string, { packets: number; counter: number }> {
  const map = new Map<string, { packets: number; counter: number }>();
  for (const s of subscribers) {
    for (const kind of ['audio', 'video'] as Kind[]) {
      const stream = s.stream(publisher, kind);
      map.set(`${s.peerId}/${kind}`, { packets: stream.packets, counter: stream.lastCounter ?? -1 });
    }
  }
  return map;
}

function delta(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>): Counts {
  let received = 0;
  let expected = 0;
  for (const [key, a] of after) {
    const b = before.get(key) ?? { packets: 0, counter: -1 };
    received += a.packets - b.packets;
    if (b.counter >= 0) expected += a.counter - b.counter;
    else expected += a.packets - b.packets;
  }
  return { received, expected };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  n: number;
  pps: number;
  cpu: number;
  rssMb: number;
  loss: number;
  usPerPacket: number;
}

interface EngineResult {
  engine: Engine;
  rows: Row[];
  /** Extrapolated from the largest step under 80% of a core: CPU of one core per subscriber beyond the idle base. */
  perSubscriber: number;
  streamsPerCore: number;
  underLimit: number;
}

/** One engine's run: SFU process, publisher child, subscribers added step by step. */
async function measure(engine: Engine): Promise<EngineResult> {
  const env = engineEnv(engine);
  const signaling = new MiniSignaling();
  const url = await signaling.listen();
  const sfu = startSfu({
    SIGNALING_URL: url,
    ROOM_ID: ROOM,
    SFU_ID: 'bench-sfu',
    ANNOUNCED_IP: '127.0.0.1',
    ROOM_IDLE_SECONDS: '600',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...env,
  });
  const hardStop = setTimeout(() => {
    console.error('bench:sfu took too long; stopping');
    sfu.child.kill('SIGKILL');
    process.exit(2);
  }, 15 * 60_000);
  const subscribers: WeriftParticipant[] = [];
  let publisherProcess: ReturnType<typeof spawn> | undefined;
  const rows: Row[] = [];
  try {
    const deadline = Date.now() + 30_000;
    while (!signaling.currentSfu()) {
      if (Date.now() > deadline) throw new Error(`the SFU did not identify:\n${sfu.output()}`);
      await sleep(100);
    }
    const pid = sfu.child.pid!;
    const idle = sampleProcess(pid);
    publisherProcess = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'publisher', url], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    console.log('');
    console.log(`engine ${engine}: SFU pid ${pid}, ${idle.rssMb.toFixed(0)} MB at start${engine === 'mediasoup' ? ' (with its worker)' : ''}; publisher: VP8 ~500 kbit/s (30 fps) + Opus 50 packets/s`);
    console.log(`machine speed now: ${referenceMicros().toFixed(2)} us per reference packet (AES-128-GCM, 1200 bytes, in Node; lower is faster)`);
    console.log('    N | forwarded pkt/s | SFU CPU (one core) | of it Node | SFU RSS MB | subscriber loss | CPU us/pkt | subscribers\' CPU');
    console.log('------+-----------------+--------------------+------------+------------+-----------------+------------+------------------');
    for (const n of STEPS) {
      // Joined a few at a time, each batch receiving before the next: 40 werift clients starting their
      // DTLS handshakes at once in this one process starve each other (some never connect).
      while (subscribers.length < n) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(JOIN_BATCH, n - subscribers.length) }, (_, i) =>
            WeriftParticipant.join({ url, roomId: ROOM, peerId: `sub-${subscribers.length + i}`, publish: false }),
          ),
        );
        subscribers.push(...batch);
        const ready = Date.now() + 20_000;
        while (!batch.every((s) => s.stream('publisher', 'video').packets > 0 && s.stream('publisher', 'audio').packets > 0)) {
          if (Date.now() > ready) {
            const stuck = batch.filter((s) => s.stream('publisher', 'video').packets === 0).map((s) => s.peerId);
            throw new Error(`subscribers ${stuck.join(', ')} receive no media (N=${n})`);
          }
          await sleep(100);
        }
      }
      await sleep(WARMUP_MS);
      const before = snapshot(subscribers, 'publisher');
      const s0 = sampleProcess(pid);
      const own0 = process.cpuUsage();
      await sleep(WINDOW_MS);
      const s1 = sampleProcess(pid);
      const own = process.cpuUsage(own0);
      const after = snapshot(subscribers, 'publisher');
      const counts = delta(before, after);
      if (process.env.BENCH_SFU_DEBUG) {
        console.log([...after].map(([k, a]) => `${k}:${a.packets - (before.get(k)?.packets ?? 0)}`).join(' '));
      }
      const seconds = (s1.at - s0.at) / 1000;
      const cpu = (s1.cpuSeconds - s0.cpuSeconds) / seconds;
      const nodeCpu = (s1.nodeCpuSeconds - s0.nodeCpuSeconds) / seconds;
      const pps = counts.received / seconds;
      const loss = counts.expected > 0 ? Math.max(0, 1 - counts.received / counts.expected) : 0;
      const row = { n, pps, cpu, rssMb: s1.rssMb, loss, usPerPacket: pps > 0 ? (cpu / pps) * 1e6 : NaN };
      rows.push(row);
      console.log(
        `${String(n).padStart(5)} | ${pps.toFixed(0).padStart(15)} | ${(cpu * 100).toFixed(1).padStart(17)}% | ${(nodeCpu * 100).toFixed(1).padStart(9)}% | ${row.rssMb
          .toFixed(0)
          .padStart(10)} | ${(loss * 100).toFixed(2).padStart(14)}% | ${row.usPerPacket.toFixed(1).padStart(10)} | ${(
          ((own.user + own.system) / 1e6 / seconds) *
          100
        )
          .toFixed(0)
          .padStart(15)}%`,
      );
    }
  } finally {
    clearTimeout(hardStop);
    for (const s of subscribers.splice(0)) await s.close();
    publisherProcess?.kill('SIGTERM');
    await sfu.stop('SIGTERM');
    await signaling.close();
  }
  // Linear extrapolation from the largest step under the limit (past it the SFU's core saturates):
  // CPU per subscriber beyond the idle base.
  const first = rows[0]!;
  const under = rows.filter((r) => r.cpu < CPU_LIMIT).at(-1);
  const last = under ?? rows.at(-1)!;
  const perSubscriber = last.n > first.n ? (last.cpu - first.cpu) / (last.n - first.n) : last.cpu / last.n;
  const base = first.cpu - perSubscriber * first.n;
  const result: EngineResult = {
    engine,
    rows,
    perSubscriber,
    streamsPerCore: Math.floor((1 - base) / perSubscriber),
    underLimit: Math.floor((CPU_LIMIT - base) / perSubscriber),
  };
  console.log(under ? `largest N measured under 80% of one core: ${under.n}` : 'no N stayed under 80% of one core');
  console.log(
    `extrapolated: ~${(perSubscriber * 100).toFixed(2)}% of a core per subscriber -> ~${result.underLimit} subscribers under 80%, ~${result.streamsPerCore} forwarded video streams (+ audio) per core`,
  );
  return result;
}

async function main(): Promise<void> {
  const results: EngineResult[] = [];
  for (const engine of enginesToRun(process.argv.slice(2))) results.push(await measure(engine));
  if (results.length === 2) {
    const [w, m] = results as [EngineResult, EngineResult];
    console.log('');
    console.log('side by side (same load, same machine)');
    console.log('                                   |   werift | mediasoup | mediasoup / werift');
    console.log('-----------------------------------+----------+-----------+-------------------');
    const line = (label: string, a: number, b: number, digits = 1, better: 'lower' | 'higher' = 'lower') => {
      const ratio = better === 'lower' ? a / b : b / a;
      console.log(`${label.padEnd(35)}| ${a.toFixed(digits).padStart(8)} | ${b.toFixed(digits).padStart(9)} | ${ratio.toFixed(2).padStart(8)}x ${better === 'lower' ? 'cheaper' : 'more'}`);
    };
    const lastW = w.rows.at(-1)!;
    const lastM = m.rows.at(-1)!;
    line(`CPU us per forwarded packet (N=${lastW.n})`, lastW.usPerPacket, lastM.usPerPacket);
    line(`SFU CPU % of a core (N=${lastW.n})`, lastW.cpu * 100, lastM.cpu * 100);
    line('CPU % of a core per subscriber', w.perSubscriber * 100, m.perSubscriber * 100, 3);
    line('video streams (+ audio) per core', w.streamsPerCore, m.streamsPerCore, 0, 'higher');
    line(`SFU RSS MB (N=${lastW.n})`, lastW.rssMb, lastM.rssMb, 0);
  }
  process.exit(0);
}

/** The publisher child: joins, publishes, runs until SIGTERM. */
async function publisherMain(url: string): Promise<void> {
  const publisher = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'publisher', videoBitrate: 500_000, fps: 30 });
  const stop = () => void publisher.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  setTimeout(stop, 15 * 60_000).unref();
}

const run = process.argv[2] === 'publisher' ? publisherMain(process.argv[3]!) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
