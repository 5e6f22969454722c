/**
 * The running local stack's address book, a small JSON file (default `.local-stack.json` in the
 * repository): where its DynamoDB Local and ECS stand-in listen and how its tables are named, so that tools such as
 * `npm run clients` reach the same tables. Written when the stack is ready, removed when it stops.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalState {
  url: string;
  dynamoDbEndpoint: string;
  /** The ECS stand-in (RunTask, StopTask), on the port it was given or the free one it took. */
  ecsEndpoint: string;
  tablePrefix: string;
  pid: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pathOf = (file: string) => resolve(repoRoot, file);

export function writeLocalState(file: string, state: LocalState): void {
  writeFileSync(pathOf(file), `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the file if it still describes this process's stack. */
export function removeLocalState(file: string): void {
  if (readLocalState(file)?.pid === process.pid) rmSync(pathOf(file), { force: true });
}

/** The state of a running stack, or undefined when there is none (no file, or its process is gone). */
export function readLocalState(file: string): LocalState | undefined {
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(pathOf(file), 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}
