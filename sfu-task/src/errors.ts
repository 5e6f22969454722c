/**
 * Errors the SFU maps once to what the offending peer is told.
 * A ClientInputError becomes `data.error: {status, message}` in a handshake frame to that client.
 */
export class ClientInputError extends Error {
  readonly status: number;

  constructor(message: string, status = 400) {
    super(message);
    this.name = 'ClientInputError';
    this.status = status;
  }
}

/** A configuration value that stops the process at start (one clear line, exit 1). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
