/**
 * A bandwidth limit on the loopback traffic to a few UDP ports (one receiver's media connection), with
 * `tc`: an htb qdisc on `lo` puts every packet in an unlimited class, except packets to those ports,
 * which go through a class of the given rate with a short queue (half a second of it, at least ten
 * packets; what is beyond is dropped, as on a congested link). Everything else on loopback is untouched. Needs root
 * (CAP_NET_ADMIN); refuses to run where `lo` already has a qdisc of someone else's; removes its own
 * on clear() and at process exit.
 */
import { execFileSync } from 'node:child_process';

/** The limited class's queue: this long at its rate (at least 10 full packets); what is beyond is dropped. */
const QUEUE_SECONDS = 0.5;

const tc = (...args: string[]) => execFileSync('tc', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export class LoopbackShaper {
  private installed = false;
  private readonly onExit = () => this.clear();

  /** Why this machine cannot shape loopback traffic, or undefined when it can. */
  static unavailable(): string | undefined {
    try {
      const root = tc('qdisc', 'show', 'dev', 'lo');
      if (!/^qdisc noqueue /m.test(root)) return `lo already has a qdisc (${root.trim()})`;
      tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '1');
      tc('qdisc', 'del', 'dev', 'lo', 'root');
      return undefined;
    } catch (error) {
      return `tc cannot change lo here (${((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim()})`;
    }
  }

  /** Limits what is sent to the UDP `ports` on loopback to `kbit` kbit/s together. Once per shaper (clear() first to limit again). */
  limit(ports: readonly number[], kbit: number): void {
    if (this.installed) throw new Error('loopback is limited already');
    tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '1');
    this.installed = true;
    process.once('exit', this.onExit);
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '100gbit', 'quantum', '200000');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:3', 'htb', 'rate', `${kbit}kbit`, 'ceil', `${kbit}kbit`);
    const queueBytes = Math.max(15_000, Math.round(((kbit * 1000) / 8) * QUEUE_SECONDS));
    tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:3', 'handle', '30:', 'bfifo', 'limit', String(queueBytes));
    for (const port of ports) {
      tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', 'dport', String(port), '0xffff', 'flowid', '1:3');
    }
  }

  /** tc's counters of the limited class (what it sent and dropped). */
  counters(): string {
    return this.installed ? tc('-s', 'class', 'show', 'dev', 'lo', 'classid', '1:3') : '';
  }

  /** Takes the limit away (loopback as it was). */
  clear(): void {
    if (!this.installed) return;
    this.installed = false;
    process.off('exit', this.onExit);
    try {
      tc('qdisc', 'del', 'dev', 'lo', 'root');
    } catch {
      // already gone
    }
  }
}
