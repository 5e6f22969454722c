/** $default: frames with an unknown action, or not JSON at all. */
import { WS_ACTIONS } from '../../protocol/index.ts';
import { BadRequestError } from '../core/errors.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('$default', undefined, async ({ frame }) => {
  const action = (frame as { action?: unknown } | undefined)?.action;
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
    throw new BadRequestError('frames must be JSON objects: {"action": "...", "data": {...}}');
  }
  if (typeof action !== 'string') throw new BadRequestError('missing action');
  throw new BadRequestError(`unknown action "${action.slice(0, 64)}"; actions are ${WS_ACTIONS.join(', ')}`);
});
