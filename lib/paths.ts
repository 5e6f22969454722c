/** Where things are in the repository, for the CDK app (assets, handler entries, lock file). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** An entry of lib/routes.ts (relative to the repository root) as an absolute path. */
export const repoPath = (relative: string): string => resolve(REPO_ROOT, relative);
