/**
 * The SFU task as the container runs it: sfu-task/src/main.ts bundled by esbuild into one ES module
 * (the Dockerfile's build step, with the same options), so that each task the ECS stand-in starts
 * loads plain JavaScript instead of compiling TypeScript at its start (about half a second of CPU per
 * cold room on this machine). Built once per local stack, in `dist/` (ignored by git); its packages
 * stay external and resolve from the repository's node_modules.
 */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundles the SFU task under `repoRoot` and returns the command line that runs it. */
export async function bundleSfuTask(repoRoot: string): Promise<string[]> {
  const dir = join(repoRoot, 'dist', 'local-sfu-task');
  await mkdir(dir, { recursive: true });
  const outfile = join(dir, 'main.mjs');
  // stacks started side by side bundle at once: each writes its own file, then moves it into place
  const staging = join(dir, `main.${process.pid}.${Date.now()}.mjs`);
  await build({
    entryPoints: [join(repoRoot, 'sfu-task', 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: 'inline',
    outfile: staging,
    logLevel: 'error',
  });
  await rename(staging, outfile);
  return [process.execPath, '--enable-source-maps', outfile];
}
