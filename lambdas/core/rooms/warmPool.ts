/**
 * Keeps `warmRooms` rooms STARTING or AVAILABLE, so that a claim finds a ready room at once. Runs on
 * a schedule and after each claim; a lease keeps two runs from starting rooms for the same shortfall.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Clock, epochSeconds } from '../clock.ts';
import { RoomCapReachedError } from '../errors.ts';
import { isExpired } from './room.ts';
import type { RoomRepository } from './roomRepository.ts';
import type { RoomService } from './roomService.ts';

export const RECONCILER_LEASE = 'warmPoolReconciler';
const LEASE_SECONDS = 30;

export interface ReconcileResult {
  /** STARTING rooms whose SFU never identified in time, now CLOSED. */
  expired: number;
  warm: number;
  started: number;
  /** True when another run held the lease and this one did nothing. */
  skipped: boolean;
}

export class WarmPool {
  constructor(
    private readonly repo: RoomRepository,
    private readonly rooms: RoomService,
    private readonly warmRooms: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * After a claim: tops the pool up only if it is short (two Queries in parallel when it is not),
   * leaving expiry and other upkeep to the scheduled run.
   */
  async topUp(): Promise<ReconcileResult | undefined> {
    if (this.warmRooms === 0) return undefined;
    const [starting, available] = await Promise.all([
      this.repo.listByStatus('STARTING', this.warmRooms),
      this.repo.listByStatus('AVAILABLE', this.warmRooms),
    ]);
    if (starting.length + available.length >= this.warmRooms) return undefined;
    return this.reconcile();
  }

  /**
   * Someone needs a room now and none is AVAILABLE: starts one (as an anonymous caller would) unless
   * one is STARTING already. RoomCapReachedError past the anonymous allowance.
   */
  async ensureStarting(): Promise<void> {
    const starting = await this.repo.listByStatus('STARTING', 5);
    if (starting.some((room) => !isExpired(room, this.clock.nowMs()))) return;
    await this.rooms.createRoom({ anonymous: true });
  }

  async reconcile(): Promise<ReconcileResult> {
    const owner = randomUUID();
    if (!(await this.repo.acquireLease(RECONCILER_LEASE, owner, epochSeconds(this.clock.nowMs()), LEASE_SECONDS))) {
      return { expired: 0, warm: 0, started: 0, skipped: true };
    }
    try {
      return await this.reconcileHoldingLease();
    } finally {
      await this.repo.releaseLease(RECONCILER_LEASE, owner);
    }
  }

  private async reconcileHoldingLease(): Promise<ReconcileResult> {
    // Bounded reads: at most the pool size (plus a margin) of each state is looked at.
    const limit = Math.max(this.warmRooms, 1) + 25;
    const starting = await this.repo.listByStatus('STARTING', limit);
    const nowMs = this.clock.nowMs();
    let expired = 0;
    for (const room of starting.filter((r) => isExpired(r, nowMs))) {
      if (await this.rooms.closeRoom(room.roomId, 'SFU did not identify before the start timeout')) expired++;
    }
    const available = await this.repo.listByStatus('AVAILABLE', this.warmRooms + 1);
    const warm = starting.length - expired + available.length;
    let started = 0;
    for (let i = warm; i < this.warmRooms; i++) {
      try {
        await this.rooms.createRoom();
        started++;
      } catch (error) {
        if (error instanceof RoomCapReachedError) break;
        this.logger.error('warm pool could not start a room', { error: error as Error });
        break;
      }
    }
    if (expired > 0 || started > 0) this.logger.info('warm pool reconciled', { expired, warm, started });
    return { expired, warm, started, skipped: false };
  }
}
