/**
 * The rooms domain: resolve a URL path, claim a ready room for a path, start a new room, and the
 * lifecycle STARTING -> AVAILABLE -> CLAIMED -> CLOSED. Plain values in and out; no AWS event shapes.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Clock, epochSeconds, isoAt } from '../clock.ts';
import type { RoomAccessPolicy, TokenVia } from '../../../protocol/index.ts';
import { hasScope, isServiceCaller, type Principal } from '../auth/principal.ts';
import { ForbiddenError, RoomCapReachedError, RoomNotFoundError, TaskStartFailedError, TicketRequiredError, UnauthorizedError } from '../errors.ts';
import type { TaskLauncher } from '../taskLauncher.ts';
import type { RoomTokens } from '../tokens/roomTokens.ts';
import { isLive, type Room } from './room.ts';
import type { PathBinding, RoomRepository } from './roomRepository.ts';

export interface RoomSettings {
  maxRooms: number;
  /** Live rooms an anonymous createRoom may start up to. */
  anonymousMaxRooms: number;
  startTimeoutSeconds: number;
  closedRetentionSeconds: number;
  /** Environment every SFU task gets besides its room id and SFU id. */
  taskEnvironment: Record<string, string>;
}

export interface ClaimResult {
  roomId: string;
  /** True when this call bound the path (false: it was bound already). */
  fresh: boolean;
  /** The room as the claim left it (from the index: its SFU connection may have moved since). */
  room: Room;
}

/** How many AVAILABLE rooms one claim attempt looks at before querying again. */
const CLAIM_CANDIDATES = 10;
/** Query rounds before a claim gives up with 404 while rooms keep being taken under it. */
const CLAIM_ROUNDS = 25;

export class RoomService {
  constructor(
    private readonly repo: RoomRepository,
    private readonly launcher: TaskLauncher,
    private readonly tokens: RoomTokens,
    private readonly settings: RoomSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The live room bound to `urlPath` (its id and access policy), or RoomNotFoundError. */
  async getRoomId(urlPath: string): Promise<PathBinding> {
    // One GetItem: a path item exists exactly while its room is CLAIMED (claim writes both in one
    // transaction, close deletes both in one), so the binding alone answers. Eventually consistent:
    // a miss right after someone's claim sends the caller to claimRoom, which returns that room.
    const binding = await this.repo.getPath(urlPath, false);
    if (!binding) throw new RoomNotFoundError();
    return binding;
  }

  /**
   * How `principal` may enter a room with `access`: the `via` of the participant token it gets.
   * A service caller always may; anyone else only an open room (TicketRequiredError otherwise).
   */
  admission(access: RoomAccessPolicy | undefined, principal: Principal | undefined): TokenVia {
    if (isServiceCaller(principal)) return 'service';
    if (access === 'ticket') throw new TicketRequiredError();
    return 'url';
  }

  /** PATCH /rooms/{roomId}: the room's creator (its claiming participant) or rooms:admin sets who may join. */
  async setAccess(principal: Principal | undefined, roomId: string, access: RoomAccessPolicy): Promise<Room> {
    if (!principal) throw new UnauthorizedError('changing a room needs its creator\'s participant token or the rooms:admin scope');
    const room = await this.repo.getRoom(roomId);
    if (!room || room.status !== 'CLAIMED' || !room.urlPath || !isLive(room, this.clock.nowMs())) throw new RoomNotFoundError();
    const creator = principal.kind === 'participant' && principal.roomId === roomId && room.createdBy === principal.subject;
    if (!creator && !hasScope(principal, 'rooms:admin')) {
      throw new ForbiddenError('only the room\'s creator or a caller with the rooms:admin scope can change its access');
    }
    if (!(await this.repo.setAccess({ ...room, urlPath: room.urlPath }, access, isoAt(this.clock.nowMs())))) throw new RoomNotFoundError();
    this.logger.info('room access changed', { roomId, access, by: `${principal.kind}:${principal.subject}` });
    return { ...room, access };
  }

  /**
   * Binds `urlPath` to an AVAILABLE room and returns its id. Idempotent: a path already bound to a
   * live room returns that room. RoomNotFoundError when no room is available. `access`: the new
   * room's policy (default open).
   */
  async claimRoom(urlPath: string, creatorPeerId: string, access?: RoomAccessPolicy): Promise<ClaimResult> {
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      // the path's binding and the claimable rooms, read at once
      const [existing, available] = await Promise.all([
        this.boundRoom(urlPath, round > 0),
        this.repo.listByStatus('AVAILABLE', CLAIM_CANDIDATES),
      ]);
      if (existing) return { roomId: existing.roomId, fresh: false, room: existing };

      const candidates = shuffle(available);
      if (candidates.length === 0) throw new RoomNotFoundError();

      let pathTaken = false;
      for (const candidate of candidates) {
        const nowIso = isoAt(this.clock.nowMs());
        const outcome = await this.repo.claim(candidate.roomId, urlPath, nowIso, creatorPeerId, access);
        if (outcome === 'claimed') {
          this.logger.info('room claimed', { roomId: candidate.roomId, urlPath, access });
          const room: Room = {
            ...candidate,
            status: 'CLAIMED',
            urlPath,
            ...(access && { access }),
            createdBy: creatorPeerId,
            updatedAt: nowIso,
            version: candidate.version + 1,
          };
          return { roomId: candidate.roomId, fresh: true, room };
        }
        if (outcome === 'path-taken') {
          pathTaken = true;
          break;
        }
      }
      if (!pathTaken) await sleep(Math.random() * 5 * (round + 1));
    }
    this.logger.warn('claim gave up after contention', { urlPath });
    throw new RoomNotFoundError();
  }

  /**
   * Starts a new room server: a STARTING room (counted against the cap) and its task. A task that
   * fails to start leaves no STARTING room behind. An anonymous caller may only fill the anonymous
   * allowance; the warm pool and rooms:create callers go up to the cap.
   */
  async createRoom(options: { anonymous?: boolean } = {}): Promise<string> {
    const nowMs = this.clock.nowMs();
    const room: Room = {
      roomId: randomUUID(),
      sfuId: randomUUID(),
      status: 'STARTING',
      createdAt: isoAt(nowMs),
      updatedAt: isoAt(nowMs),
      version: 0,
      expiresAt: epochSeconds(nowMs) + this.settings.startTimeoutSeconds,
    };
    const cap = options.anonymous ? Math.min(this.settings.anonymousMaxRooms, this.settings.maxRooms) : this.settings.maxRooms;
    if (!(await this.repo.insertStarting(room, cap))) {
      throw new RoomCapReachedError(cap, options.anonymous === true && cap < this.settings.maxRooms);
    }
    const log = { roomId: room.roomId, sfuId: room.sfuId };
    let taskArn: string;
    try {
      taskArn = await this.launcher.start({
        roomId: room.roomId,
        sfuId: room.sfuId,
        environment: {
          ...this.settings.taskEnvironment,
          ROOM_ID: room.roomId,
          SFU_ID: room.sfuId,
          SFU_TOKEN: await this.tokens.sfu(room.roomId, room.sfuId, nowMs),
        },
      });
    } catch (error) {
      this.logger.error('task start failed; removing the STARTING room', { ...log, error: error as Error });
      await this.repo.deleteStarting(room.roomId);
      throw new TaskStartFailedError(error);
    }
    await this.repo.setTaskArn(room.roomId, taskArn);
    this.logger.info('room starting', { ...log, taskArn });
    return room.roomId;
  }

  /** STARTING -> AVAILABLE once the room's SFU has identified. False if the room is not STARTING/AVAILABLE. */
  async markAvailable(roomId: string): Promise<boolean> {
    const changed = await this.repo.markAvailable(roomId, isoAt(this.clock.nowMs()));
    if (changed) this.logger.info('room available', { roomId });
    return changed;
  }

  /**
   * Any live state -> CLOSED: frees the path and the room's place under the cap, and stops its task
   * (unless `taskStopped`: it has already). `whileStopping` runs while the task stops (telling the
   * room's clients need not wait for ECS).
   */
  async closeRoom(roomId: string, reason: string, whileStopping?: (closed: Room) => Promise<unknown>, taskStopped = false): Promise<Room | undefined> {
    const room = await this.repo.getRoom(roomId);
    if (!room || room.status === 'CLOSED') return undefined;
    const nowMs = this.clock.nowMs();
    const closed = await this.repo.close(room, isoAt(nowMs), epochSeconds(nowMs) + this.settings.closedRetentionSeconds);
    if (!closed) return undefined;
    this.logger.info('room closed', { roomId, reason, urlPath: room.urlPath });
    const stopping = room.taskArn && !taskStopped
      ? this.launcher.stop(room.taskArn, reason).catch((error: unknown) => {
          this.logger.warn('stopping the task failed', { roomId, taskArn: room.taskArn, error: error as Error });
        })
      : undefined;
    await Promise.all([stopping, whileStopping?.(closed)]);
    return closed;
  }

  /** The live room bound to a path, dropping a binding to a room that is gone. */
  private async boundRoom(urlPath: string, consistent: boolean): Promise<Room | undefined> {
    const binding = await this.repo.getPath(urlPath, consistent);
    if (!binding) return undefined;
    const room = await this.repo.getRoom(binding.roomId);
    if (room && room.status === 'CLAIMED' && isLive(room, this.clock.nowMs())) return room;
    await this.repo.deletePathIfBoundTo(urlPath, binding.roomId);
    return undefined;
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
