/**
 * Loads handler entry files from the route table and invokes them the way Lambda does: one module
 * instance per entry (its cold start), a Context, and a timeout.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

export type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaTimeoutError extends Error {}

export class LambdaRuntime {
  private readonly modules = new Map<string, Promise<AnyHandler>>();

  constructor(private readonly root: string) {}

  /** Imports every entry now, so that a broken handler or bad configuration fails at start. */
  async preload(entries: readonly string[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.load(entry)));
  }

  async invoke(entry: string, name: string, event: unknown, timeoutMs: number): Promise<unknown> {
    const handler = await this.load(entry);
    const deadline = Date.now() + timeoutMs;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(`${name} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private load(entry: string): Promise<AnyHandler> {
    let loaded = this.modules.get(entry);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(this.root, entry)).href).then((mod: { handler?: AnyHandler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
        return mod.handler;
      });
      this.modules.set(entry, loaded);
    }
    return loaded;
  }
}
