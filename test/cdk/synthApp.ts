/**
 * Synthesizes the CDK app as `cdk synth` does (context from cdk.json), into a temporary directory,
 * without bundling the Lambda code (esbuild per handler is what `npm run synth` checks; these tests
 * check the wiring). One synth per test file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { repoPath } from '../../lib/paths.ts';
import { readSettings, type Settings } from '../../lib/settings.ts';
import { SFU_DOCKERFILE } from '../../lib/stacks/sfuStack.ts';
import { createVideoRoomsApp, type VideoRoomsAppOptions, type VideoRoomsStacks } from '../../lib/videoRoomsApp.ts';

export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface SynthesizedApp {
  app: App;
  stacks: VideoRoomsStacks;
  settings: Settings;
  template(stack: Stack): Template;
  outdir: string;
  cleanup(): void;
}

/** The SFU image is built from sfu-task/Dockerfile; until that file exists, tests use a stand-in image. */
export const sfuDockerfileExists = (): boolean => existsSync(repoPath(SFU_DOCKERFILE));

export interface SynthOptions extends VideoRoomsAppOptions {
  /** CDK's built-in CloudFormation schema validation (about 10 s for this app); off by default. */
  readonly cfnValidation?: boolean;
}

export function synthApp(context: Record<string, unknown> = {}, options: SynthOptions = {}): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: options.cfnValidation ?? false,
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      ...(!sfuDockerfileExists() && { sfuImage: 'public.ecr.aws/docker/library/node:22-slim' }),
      ...context,
    },
  });
  const settings = readSettings(app.node);
  const stacks = createVideoRoomsApp(app, settings, options);
  app.synth();
  const templates = new Map<Stack, Template>();
  return {
    app,
    stacks,
    settings,
    outdir,
    template(stack) {
      let t = templates.get(stack);
      if (!t) templates.set(stack, (t = Template.fromStack(stack)));
      return t;
    },
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Resources of `type` in a template, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties?: Record<string, unknown> } & Record<string, unknown>> {
  return template.findResources(type) as Record<string, { Properties?: Record<string, unknown> } & Record<string, unknown>>;
}

/** The BucketDeployments of a template (their properties). */
export const deployments = (template: Template) => Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment')).map((d) => d.Properties ?? {});

/** Staged asset directories of the app holding `file`: that file's text in each. */
export const stagedWith = (outdir: string, file: string) =>
  readdirSync(outdir)
    .filter((d) => d.startsWith('asset.') && existsSync(join(outdir, d, file)))
    .map((d) => readFileSync(join(outdir, d, file), 'utf8'));

type Cfn = unknown;

/**
 * A CloudFormation value with intrinsics replaced by readable stand-ins, so that it can be fed to code
 * that expects plain strings: Ref X -> "ref-X", GetAtt X.A -> "X.A", ImportValue E -> "import-E" (E made hostname-safe; an
 * imported API endpoint or Cognito provider URL as such a URL).
 */
export function resolveCfn(value: Cfn): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(resolveCfn).join(',');
  const o = value as Record<string, unknown>;
  if ('Ref' in o) {
    const ref = String(o.Ref);
    if (ref === 'AWS::Region') return 'us-east-1';
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::AccountId') return '111122223333';
    return `ref-${ref.toLowerCase()}`;
  }
  if ('Fn::GetAtt' in o) {
    const [res, attr] = o['Fn::GetAtt'] as [string, string];
    return attr === 'ApiEndpoint' ? `https://${res.toLowerCase()}.execute-api.us-east-1.amazonaws.com` : `${res}.${attr}`;
  }
  if ('Fn::ImportValue' in o) {
    const name = `import-${resolveCfn(o['Fn::ImportValue']).replace(/[^A-Za-z0-9-]/g, '-')}`;
    if (name.includes('ApiEndpoint')) return `https://${name.toLowerCase()}.execute-api.us-east-1.amazonaws.com`;
    return name.includes('ProviderURL') ? `https://cognito-idp.us-east-1.amazonaws.com/${name}` : name;
  }
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, Cfn[]];
    return parts.map(resolveCfn).join(sep);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** Logical ids a CloudFormation value references (Ref, GetAtt) and export names it imports. */
export function referencesOf(value: Cfn): string[] {
  const found: string[] = [];
  const visit = (v: Cfn) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') found.push(o.Ref);
      if (Array.isArray(o['Fn::GetAtt'])) found.push(String((o['Fn::GetAtt'] as unknown[])[0]));
      if (typeof o['Fn::ImportValue'] === 'string') found.push(o['Fn::ImportValue']);
      Object.values(o).forEach(visit);
    }
  };
  visit(value);
  return found;
}
