/**
 * The token signing key: an asymmetric KMS key (RSA_2048, SIGN_VERIFY). Handlers sign RS256 JWTs with
 * kms:Sign (the private key never leaves KMS); GET /.well-known/jwks.json serves its public key.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type IKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { removalPolicyOf, type Settings } from '../settings.ts';

export interface TokenKeyStackProps extends StackProps {
  readonly settings: Settings;
}

export class TokenKeyStack extends Stack {
  readonly key: IKey;
  /** HMAC_256: its MAC of a fixed label is the AES key that seals stored originals of masked user events. */
  readonly eventSealKey: IKey;

  constructor(scope: Construct, id: string, props: TokenKeyStackProps) {
    super(scope, id, props);
    this.key = new Key(this, 'TokenSigningKey', {
      description: `${props.settings.stackPrefix}: signs participant and SFU tokens (RS256)`,
      keySpec: KeySpec.RSA_2048,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Asymmetric keys cannot rotate automatically; replacing the key invalidates live tokens only.
      enableKeyRotation: false,
      pendingWindow: Duration.days(7),
      removalPolicy: removalPolicyOf(props.settings),
    });
    new CfnOutput(this, 'TokenKeyArn', { value: this.key.keyArn, description: 'KMS key that signs tokens' });
    this.eventSealKey = new Key(this, 'EventSealKey', {
      description: `${props.settings.stackPrefix}: derives the key that seals stored originals of masked user events`,
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      // HMAC keys cannot rotate automatically; replacing it makes sealed pending events unreadable (delivered masked).
      enableKeyRotation: false,
      pendingWindow: Duration.days(7),
      removalPolicy: removalPolicyOf(props.settings),
    });
  }
}
