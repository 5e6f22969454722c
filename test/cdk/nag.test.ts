/**
 * cdk-nag's AwsSolutions pack over the whole app: no unacknowledged error, and every acknowledgement
 * carries a written reason. (`npm run synth` runs the same pack as a validation plugin.)
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AwsSolutionsChecks } from '../../lib/nag.ts';
import { type SynthesizedApp, synthApp } from './synthApp.ts';

let synth: SynthesizedApp;
let report: ReturnType<InstanceType<typeof AwsSolutionsChecks>['validateScope']>;
beforeAll(() => {
  synth = synthApp();
  report = new AwsSolutionsChecks(synth.app, { verbose: true }).validateScope(synth.app);
});
afterAll(() => synth?.cleanup());

const describeViolations = (severity: string) =>
  report.violations
    .filter((v) => v.severity === severity)
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));

it('finds no unacknowledged AwsSolutions error', () => {
  expect(describeViolations('error')).toEqual([]);
});

it('finds no unacknowledged AwsSolutions warning either', () => {
  expect(describeViolations('warning')).toEqual([]);
});

it('every AwsSolutions acknowledgement names a rule (or one finding of it) and gives a reason', () => {
  const acknowledged: { path: string; id: string; reason: string }[] = [];
  const visit = (c: IConstruct) => {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) acknowledged.push({ path: c.node.path, id, reason: String(reason) });
    }
    c.node.children.forEach(visit);
  };
  visit(synth.app);
  // Ours are AwsSolutions ones; aws-cdk-lib acknowledges a few of its own (CloudFormation-Validate::...).
  const ours = acknowledged.filter((a) => a.id.includes('AwsSolutions'));
  expect(ours.length).toBeGreaterThan(0);
  for (const a of ours) {
    expect(a.id, a.path).toMatch(/^(Annotation::)?AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
    expect(a.reason.trim().length, `${a.path} ${a.id}`).toBeGreaterThan(30);
  }
});
