/**
 * cdk-nag (v3) and acknowledgements. cdk-nag is CommonJS whose exports Node's ESM loader cannot name
 * statically, so its exports are taken from the default export here. An acknowledgement names one
 * rule, or one finding of a rule (`AwsSolutions-IAM5[Resource::...]`), and always says why.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const { AwsSolutionsChecks } = cdkNag;

export interface NagAcknowledgement {
  /** `AwsSolutions-<rule>` or `AwsSolutions-<rule>[<finding>]`. */
  readonly id: string;
  /** Why the finding is acceptable here; required. */
  readonly reason: string;
}

/** Acknowledges findings on `scope` and everything below it. */
export function acknowledge(scope: IConstruct, acknowledgements: readonly NagAcknowledgement[]): void {
  for (const a of acknowledgements) {
    if (a.reason.trim().length < 20) throw new Error(`cdk-nag acknowledgement ${a.id} needs a real reason`);
  }
  Validations.of(scope).acknowledge(...acknowledgements);
}

/**
 * The id of cdk-nag's AwsSolutions-IAM5 finding for a wildcard `resource` granted from `scope`'s
 * stack: the resource as cdk-nag flattens it (`<LogicalId>`, `<LogicalId.Attr>`, `<AWS::Region>`).
 * Valid for values of `scope`'s own stack (cross-stack imports are rendered only at synth).
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
    if (o['Fn::GetAtt']) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
    if (o.Ref) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
