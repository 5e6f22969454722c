/** "Something happened to this user's calls" (one rang, was answered, was missed): lists of calls reload on it. */
import { Emitter } from '../emitter.ts';

class CallActivity extends Emitter<{ changed: [] }> {
  changed(): void {
    this.emit('changed');
  }
}

export const callActivity = new CallActivity();
