/**
 * Where the seal key of stored masked events comes from: EVENT_SEAL_KEY (or one derived from the
 * local token key) as is; in AWS, a KMS HMAC_256 key's MAC of a fixed label, asked for once per
 * process (kms:GenerateMac), so the key material never sits in configuration.
 */
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';

const LABEL = 'video-rooms/event-seal/v1';

export function sealKeyProvider(key: Buffer | undefined, kmsKeyId: string | undefined, kms: () => KMSClient): () => Promise<Buffer | undefined> {
  if (key) return () => Promise.resolve(key);
  if (!kmsKeyId) return () => Promise.resolve(undefined);
  let pending: Promise<Buffer> | undefined;
  return () => {
    pending ??= kms()
      .send(new GenerateMacCommand({ KeyId: kmsKeyId, Message: Buffer.from(LABEL), MacAlgorithm: 'HMAC_SHA_256' }))
      .then((out) => {
        if (!out.Mac || out.Mac.length !== 32) throw new Error('KMS GenerateMac returned no 32-byte MAC');
        return Buffer.from(out.Mac);
      })
      .catch((error: unknown) => {
        pending = undefined; // a failed call is retried by the next request
        throw error;
      });
    return pending;
  };
}
