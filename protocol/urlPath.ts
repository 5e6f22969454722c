/**
 * The URL path rule, without zod: the web client imports it from here so that its bundle does not
 * carry the schema library. protocol/index.ts re-exports it and builds the schema on it.
 */
export const URL_PATH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const URL_PATH_RULE = 'urlPath must be 1-64 characters of A-Z, a-z, 0-9, "-" or "_"';
