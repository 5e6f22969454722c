/**
 * `npm start`: the whole system on this machine, no AWS account. Prints `ready <url>` when it serves;
 * SIGINT / SIGTERM stop every child process (DynamoDB Local, SFU tasks) before it exits.
 */
import { loadLocalConfig } from '../local/config.ts';
import { startLocalStack, type LocalStack } from '../local/stack.ts';

// Node 20 is supported here; the SDK's notice about its future Node 22 floor is noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`${signal}: stopping the local stack`);
  await stack?.stop();
  process.exit(0);
}

// If the process dies some other way, still take the children down with it.
process.on('exit', () => {
  for (const pid of stack?.childPids() ?? []) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

try {
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const config = loadLocalConfig();
  console.log(`rooms run the ${config.engine.engine} SFU engine: ${config.engine.reason}`);
  stack = await startLocalStack(config);
  console.log(`ready ${stack.url}`);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
