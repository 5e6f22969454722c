/**
 * `signIn: cognito`: an Amazon Cognito user pool as the deployment's OpenID Connect provider, with its
 * hosted sign-in domain. Its users are created by an administrator (no self sign-up) and all belong to
 * one organisation (the stack prefix). The web client's app client lives in the Web stack, where the
 * site's URL (its callback) is known; the API trusts the pool's tokens.
 */
import { Aws, CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { AccountRecovery, FeaturePlan, Mfa, UserPool, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { removalPolicyOf, type Settings } from '../settings.ts';
import type { CognitoSignIn } from '../signIn.ts';

export interface SignInStackProps extends StackProps {
  readonly settings: Settings;
}

export class SignInStack extends Stack {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly cognito: CognitoSignIn;

  constructor(scope: Construct, id: string, props: SignInStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `${settings.stackPrefix}-users`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: settings.removalPolicy === 'retain',
      removalPolicy: removalPolicyOf(settings),
    });
    acknowledge(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason: 'Users may add an authenticator app (TOTP); requiring it of every meeting participant is the organisation\'s choice (set mfa to Mfa.REQUIRED here).',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'Essentials tier: the Plus tier (threat protection) is billed per monthly active user; switch featurePlan to PLUS where that is wanted.',
      },
    ]);
    const domainPrefix = settings.cognitoDomainPrefix || Fn.join('-', [settings.stackPrefix.toLowerCase(), Aws.ACCOUNT_ID]);
    this.domain = this.userPool.addDomain('HostedSignIn', { cognitoDomain: { domainPrefix } });
    this.cognito = { issuer: this.userPool.userPoolProviderUrl, organization: settings.stackPrefix };

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool of the people who sign in (aws cognito-idp admin-create-user)' });
    new CfnOutput(this, 'SignInIssuer', { value: this.cognito.issuer, description: 'OpenID Connect issuer of the sign-in' });
    new CfnOutput(this, 'SignInDomain', { value: this.domain.baseUrl(), description: 'Hosted sign-in pages' });
  }
}
