/**
 * Message and request schemas shared by the lambdas, the SFU task and the web client.
 * One module: every shape on the wire is defined here and nowhere else.
 */
import { z } from 'zod';

export const URL_PATH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const URL_PATH_RULE = 'urlPath must be 1-64 characters of A-Z, a-z, 0-9, "-" or "_"';

/** A room's URL path, e.g. `team-standup` for `https://<site>/team-standup`. */
export const urlPathSchema = z
  .string({
    error: (issue) => (issue.input === undefined || issue.input === null ? 'missing urlPath' : 'urlPath must be a string'),
  })
  .min(1, { error: 'missing urlPath' })
  .regex(URL_PATH_PATTERN, { error: URL_PATH_RULE });

export const getRoomIdQuerySchema = z.object({ urlPath: urlPathSchema });
export type GetRoomIdQuery = z.infer<typeof getRoomIdQuerySchema>;

export const claimRoomBodySchema = z.object({ urlPath: urlPathSchema });
export type ClaimRoomBody = z.infer<typeof claimRoomBodySchema>;

export interface RoomIdResponse {
  roomId: string;
}

export interface CreateRoomResponse {
  message: 'Task started successfully!';
  roomId: string;
}

/** Every HTTP error body. */
export interface ErrorResponse {
  message: string;
}

export const ROOM_STATUSES = ['STARTING', 'AVAILABLE', 'CLAIMED', 'CLOSED'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

/** The first issue's message of a failed parse, for a 400 body. */
export function firstIssueMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? issue.message : 'invalid request';
}
