/**
 * The web stack: a private bucket read only by CloudFront (origin access control), /<room-name>
 * served the client (SPA rewrite), config.json written at deploy with the HTTP API and WebSocket URLs,
 * the built client when web/dist exists and a placeholder page otherwise.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../lib/settings.ts';
import { SPA_REWRITE_CODE, WebStack } from '../../lib/stacks/webStack.ts';
import { cdkJsonContext, deployments, referencesOf, resourcesOf, stagedWith, type SynthesizedApp, synthApp } from './synthApp.ts';

let synth: SynthesizedApp;
let web: Template;
beforeAll(() => {
  synth = synthApp();
  web = synth.template(synth.stacks.web);
});
afterAll(() => synth?.cleanup());


describe('bucket and distribution', () => {
  it('keeps the bucket private, readable by this distribution only (OAC)', () => {
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const policy = Object.values(resourcesOf(web, 'AWS::S3::BucketPolicy'))[0]?.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] };
    const read = policy.Statement.find((s) => JSON.stringify(s.Principal).includes('cloudfront.amazonaws.com'));
    expect(read?.Action).toBe('s3:GetObject');
    expect(JSON.stringify(read?.Condition)).toContain('AWS:SourceArn');
    const distribution = Object.values(resourcesOf(web, 'AWS::CloudFront::Distribution'))[0]?.Properties?.DistributionConfig as Record<string, unknown>;
    expect(distribution.DefaultRootObject).toBe('index.html');
    const origins = distribution.Origins as Record<string, unknown>[];
    expect(origins).toHaveLength(1);
    expect(referencesOf(origins[0]?.OriginAccessControlId)).toHaveLength(1);
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: [{ EventType: 'viewer-request' }],
    });
  });

  it('serves index.html for /<room-name> and files at their paths', () => {
    const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/my-room_1')).toBe('/index.html');
    expect(rewrite('/config.json')).toBe('/config.json');
    expect(rewrite('/assets/index-3f2a.js')).toBe('/assets/index-3f2a.js');
    web.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: SPA_REWRITE_CODE, FunctionConfig: { Runtime: 'cloudfront-js-2.0' } });
  });

  it('outputs the site URL', () => {
    web.hasOutput('SiteUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }]] } });
  });
});

describe('client files', () => {
  it('writes config.json with the HTTP API and WebSocket URLs at deploy, never cached, invalidating CloudFront', () => {
    const entry = deployments(web).find((d) => (d.Include as string[] | undefined)?.includes('config.json'));
    expect(entry).toMatchObject({ Prune: false, SystemMetadata: { 'cache-control': 'no-cache' }, DistributionPaths: ['/*'] });
    const markers = JSON.stringify(entry?.SourceMarkers);
    const api = synth.stacks.api;
    expect(markers).toContain(api.getLogicalId(api.http.api.node.defaultChild as never));
    expect(markers).toContain(api.getLogicalId(api.signaling.api.node.defaultChild as never));
    const [configJson] = stagedWith(synth.outdir, 'config.json');
    const config = JSON.parse(configJson!) as Record<string, unknown>;
    expect(Object.keys(config).sort()).toEqual(['apiUrl', 'iceServers', 'webSocketUrl']);
    expect(config.iceServers).toEqual(synth.settings.turnServers);
    expect(String(config.webSocketUrl)).toMatch(/^wss:\/\/.+\/live$/);
  });

  it('deploys a placeholder page when there is no built client', () => {
    const app = new App({ builtinCloudFormationValidation: false, outdir: mkdtempSync(join(tmpdir(), 'cdk-web-')) });
    const stack = new WebStack(app, 'Web', {
      settings: parseSettings(cdkJsonContext()),
      httpApiUrl: 'https://api.example.com',
      webSocketUrl: 'wss://ws.example.com/live',
      clientDirectory: join(tmpdir(), `no-web-dist-${process.pid}`),
    });
    expect(stack.placeholder).toBe(true);
    expect(deployments(Template.fromStack(stack))).toHaveLength(1);
    const outdir = app.synth().directory;
    expect(stagedWith(outdir, 'index.html').some((html) => html.includes('no web client yet'))).toBe(true);
  });

  it('deploys a built client: files cached, index.html and config.json not', () => {
    const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
    try {
      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><script src="/assets/app-1.js"></script>');
      writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
      const app = new App({ builtinCloudFormationValidation: false });
      const stack = new WebStack(app, 'Web', {
        settings: parseSettings(cdkJsonContext()),
        httpApiUrl: 'https://api.example.com',
        webSocketUrl: 'wss://ws.example.com/live',
        clientDirectory: dist,
      });
      expect(stack.placeholder).toBe(false);
      const all = deployments(Template.fromStack(stack));
      expect(all).toHaveLength(2);
      expect(all.find((d) => d.Exclude && !(d.Include as unknown))).toMatchObject({
        Exclude: ['index.html', 'config.json'],
        SystemMetadata: { 'cache-control': 'public, max-age=86400' },
      });
      expect(all.find((d) => d.Include)).toMatchObject({ Include: ['index.html', 'config.json'], SystemMetadata: { 'cache-control': 'no-cache' } });
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
