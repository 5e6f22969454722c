/**
 * The CDK app: `npx cdk deploy --all` creates the whole system. Settings come from CDK context
 * (cdk.json, or -c key=value); see README "Deploy to AWS". cdk-nag's AwsSolutions checks run on every
 * synth (pass -c nag=false to skip them).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from '../lib/nag.ts';
import { readSettings } from '../lib/settings.ts';
import { createVideoRoomsApp } from '../lib/videoRoomsApp.ts';

const app = new App();
createVideoRoomsApp(app, readSettings(app.node));
if (String(app.node.tryGetContext('nag') ?? 'true') !== 'false') Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
