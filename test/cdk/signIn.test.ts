/**
 * The `signIn` setting: none (the default: no Cognito anywhere, config.json without sign-in), `cognito`
 * (a user pool and hosted domain in the SignIn stack, the web client's app client in the Web stack with
 * the site as its callback, the API trusting the pool's tokens, cdk-nag clean), or an existing OpenID
 * Connect provider (trusted by the API with the client id as audience, named in config.json).
 */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambdas/core/config.ts';
import { AwsSolutionsChecks } from '../../lib/nag.ts';
import { parseSettings, SettingsError } from '../../lib/settings.ts';
import { deployments, referencesOf, resolveCfn, resourcesOf, stagedWith, type SynthesizedApp, synthApp } from './synthApp.ts';

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** EXTERNAL_ISSUERS of the API's handlers, as config.ts reads it (intrinsics made readable). */
function trustedIssuers(synth: SynthesizedApp) {
  const fn = synth.template(synth.stacks.api).toJSON().Resources.PlaceCall;
  const env = Object.fromEntries(Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [k, resolveCfn(v)]));
  return loadConfig({ ...env, AWS_REGION: 'us-east-1' }).tokens.externalIssuers;
}

/** The staged config.json and the deployment that writes it. */
function configJson(synth: SynthesizedApp) {
  const entry = deployments(synth.template(synth.stacks.web)).find((d) => (d.Include as string[] | undefined)?.includes('config.json'));
  const staged = stagedWith(synth.outdir, 'config.json');
  expect(staged).toHaveLength(1);
  return { config: JSON.parse(staged[0]!) as Record<string, unknown>, markers: JSON.stringify(entry?.SourceMarkers ?? []) };
}

const cognitoResources = (synth: SynthesizedApp) =>
  Object.values(synth.stacks)
    .filter((s): s is Stack => s !== undefined)
    .flatMap((s) => Object.values(synth.template(s).toJSON().Resources as Record<string, { Type: string }>))
    .filter((r) => r.Type.startsWith('AWS::Cognito::'));

describe('signIn: "" (the default)', () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthApp();
  });
  afterAll(() => synth?.cleanup());

  it('creates no Cognito resources and no SignIn stack; config.json has no sign-in; the API trusts externalIssuers only', () => {
    expect(synth.settings.signIn).toBe('');
    expect(synth.stacks.signIn).toBeUndefined();
    expect(cognitoResources(synth)).toEqual([]);
    expect(configJson(synth).config.signIn).toBeUndefined();
    expect(trustedIssuers(synth)).toEqual([]);
    expect(Object.keys(synth.template(synth.stacks.web).toJSON().Outputs)).not.toContain('SignInClientId');
  });
});

describe('signIn: "cognito"', () => {
  let synth: SynthesizedApp;
  let signIn: Template;
  let web: Template;
  beforeAll(() => {
    synth = synthApp({ signIn: 'cognito' });
    signIn = synth.template(synth.stacks.signIn!);
    web = synth.template(synth.stacks.web);
  });
  afterAll(() => synth?.cleanup());

  it('makes a user pool for administrator-created users, with a strong password policy and a hosted sign-in domain', () => {
    signIn.resourceCountIs('AWS::Cognito::UserPool', 1);
    signIn.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      DeletionProtection: 'ACTIVE',
    });
    signIn.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    const domain = Object.values(resourcesOf(signIn, 'AWS::Cognito::UserPoolDomain'))[0]?.Properties;
    expect(resolveCfn(domain?.Domain)).toBe('videorooms-111122223333');
    signIn.hasOutput('SignInIssuer', { Value: { 'Fn::GetAtt': [logicalId(synth.stacks.signIn!, synth.stacks.signIn!.userPool), 'ProviderURL'] } });
    // a custom prefix
    const custom = synthApp({ signIn: 'cognito', cognitoDomainPrefix: 'acme-meet', removalPolicy: 'destroy' });
    try {
      const template = custom.template(custom.stacks.signIn!);
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-meet' });
      template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
    } finally {
      custom.cleanup();
    }
  });

  it('gives the web client a public app client: code flow only, the site as callback and sign-out URL', () => {
    web.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const client = Object.values(resourcesOf(web, 'AWS::Cognito::UserPoolClient'))[0]!.Properties!;
    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(referencesOf(client.UserPoolId)).toEqual([expect.stringMatching(/^VideoRooms-SignIn:ExportsOutputRefUsers/)]); // the SignIn stack's pool
    const distribution = logicalId(synth.stacks.web, synth.stacks.web.distribution);
    const site = `https://${distribution}.DomainName`;
    expect((client.CallbackURLs as unknown[]).map(resolveCfn)).toEqual([`${site}/auth/callback`, `${site}/auth/silent`]);
    expect((client.LogoutURLs as unknown[]).map(resolveCfn)).toEqual([`${site}/`]);
  });

  it('puts the pool\'s issuer and the app client\'s id in config.json', () => {
    const { config, markers } = configJson(synth);
    expect(config.signIn).toEqual({ issuer: expect.stringMatching(/marker/), clientId: expect.stringMatching(/marker/), scope: 'openid email profile' });
    expect(markers).toContain('ProviderURL');
    expect(markers).toContain(logicalId(synth.stacks.web, synth.stacks.web.node.findChild('WebSignInClient') as never));
  });

  it('has the API (and the scheduled jobs) trust the pool\'s tokens, whichever of its clients, as one organisation', () => {
    expect(trustedIssuers(synth)).toEqual([
      {
        issuer: expect.stringMatching(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/import-.*ProviderURL/),
        audience: null,
        jwksUri: expect.stringMatching(/\/\.well-known\/jwks\.json$/),
        organization: 'VideoRooms',
        organizationClaim: 'org',
        scopes: [],
      },
    ]);
    const job = synth.template(synth.stacks.warmPool).toJSON().Resources.MissUnansweredCalls;
    expect(JSON.stringify(job.Properties.Environment.Variables.EXTERNAL_ISSUERS)).toContain('ProviderURL');
  });

  it('passes cdk-nag (every finding on the pool acknowledged with a reason)', () => {
    const report = new AwsSolutionsChecks(synth.app, { verbose: true }).validateScope(synth.app);
    const open = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));
    expect(open).toEqual([]);
  });
});

describe('signIn: an existing OpenID Connect provider', () => {
  const provider = { issuer: 'https://login.acme.example/realms/staff', clientId: 'video-rooms', jwksUri: 'https://login.acme.example/realms/staff/certs', organizationClaim: 'tenant' };

  it('is trusted with its client id as audience and named in config.json; no Cognito resources', () => {
    const synth = synthApp({ signIn: JSON.stringify(provider) });
    try {
      expect(cognitoResources(synth)).toEqual([]);
      expect(synth.stacks.signIn).toBeUndefined();
      expect(trustedIssuers(synth)).toEqual([
        { issuer: provider.issuer, audience: 'video-rooms', jwksUri: provider.jwksUri, organizationClaim: 'tenant', scopes: [] },
      ]);
      expect(configJson(synth).config.signIn).toEqual({ issuer: provider.issuer, clientId: 'video-rooms', scope: 'openid profile email' });
    } finally {
      synth.cleanup();
    }
  });

  it('keeps an externalIssuers entry for the same issuer as it is, and takes a scope', () => {
    const listed = { issuer: provider.issuer, audience: ['video-rooms', 'other'], jwksUri: provider.jwksUri, scopes: ['rooms:create'] };
    const synth = synthApp({ signIn: { ...provider, scope: 'openid profile offline_access' }, externalIssuers: [listed] });
    try {
      expect(trustedIssuers(synth)).toEqual([{ ...listed, organizationClaim: 'org' }]);
      expect(configJson(synth).config.signIn).toMatchObject({ scope: 'openid profile offline_access' });
    } finally {
      synth.cleanup();
    }
  });

  it.each([
    [{ signIn: 'okta' }],
    [{ signIn: '{"issuer":"login.acme","clientId":"c","jwksUri":"https://x/certs"}' }],
    [{ signIn: { issuer: 'https://x', jwksUri: 'https://x/certs' } }],
    [{ signIn: { ...provider, scope: 'profile email' } }],
    [{ signIn: { ...provider, secret: 'no' } }],
    [{ cognitoDomainPrefix: 'Acme_Meet' }],
  ])('rejects %j, naming the setting', (context) => {
    expect(() => parseSettings(context)).toThrow(SettingsError);
    expect(() => parseSettings(context)).toThrow(/signIn|cognitoDomainPrefix/);
  });
});
