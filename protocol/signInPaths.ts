/**
 * Where a sign-in provider sends the browser back to on the site (the app client's callback URLs),
 * without zod: the web client imports them from here; the Web stack registers them with Cognito.
 */
export const SIGN_IN_CALLBACK_PATH = '/auth/callback';
/** The hidden frame of a silent renewal (providers that give no refresh token). */
export const SIGN_IN_SILENT_PATH = '/auth/silent';
