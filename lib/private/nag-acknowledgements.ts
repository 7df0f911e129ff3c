import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag rule this library acknowledges on a resource it creates, with the reason. */
export interface NagAcknowledgement {
  /** The rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is acceptable. */
  readonly reason: string;
  /**
   * The findings of the rule this covers (cdk-nag's `applies_to`, e.g. `Resource::*`).
   * @default - every finding of the rule
   */
  readonly appliesTo?: string[];
}

/**
 * Records acknowledgements of cdk-nag rules on a construct in both forms cdk-nag reads:
 * CDK's `Validations.of(x).acknowledge` (cdk-nag 3) and the `cdk_nag` resource metadata
 * (cdk-nag 2), so a consumer on either version sees a clean report with the reasons.
 *
 * @see https://github.com/cdklabs/cdk-nag#acknowledging-a-rule
 */
export function acknowledgeNagRules(scope: IConstruct, ...acknowledgements: NagAcknowledgement[]): void {
  for (const { id, reason, appliesTo } of acknowledgements) {
    const ids = appliesTo ? appliesTo.map((finding) => `${id}[${finding}]`) : [id];
    Validations.of(scope).acknowledge(...ids.map((findingId) => ({ id: findingId, reason })));
  }
  const resource = scope.node.defaultChild ?? scope;
  if (CfnResource.isCfnResource(resource)) {
    const previous = (resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as unknown[];
    resource.addMetadata('cdk_nag', {
      rules_to_suppress: [
        ...previous,
        ...acknowledgements.map(({ id, reason, appliesTo }) => ({ id, reason, ...(appliesTo ? { applies_to: appliesTo } : {}) })),
      ],
    });
  }
}

/**
 * Acknowledges, on the role of a function with X-Ray tracing, the `Resource: "*"` that CDK
 * grants for `xray:PutTraceSegments` and `xray:PutTelemetryRecords` (AwsSolutions-IAM5): those
 * actions support no resource-level permissions.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
 */
export function acknowledgeXRayWildcard(role: IConstruct): void {
  acknowledgeNagRules(role, {
    id: 'AwsSolutions-IAM5',
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource "*").',
    appliesTo: ['Resource::*'],
  });
}

/**
 * Writes a CloudFormation value as cdk-nag names it in a finding (`Resource::<value>`):
 * `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`, `Fn::Join` joined, other intrinsics as JSON.
 *
 * @see https://github.com/cdklabs/cdk-nag/blob/main/src/utils/flatten-cfn-reference.ts
 */
export function nagResourceName(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, any>;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(nagResourceName).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return nagResourceName(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${nagResourceName(node['Fn::GetAtt'][0])}.${nagResourceName(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return nagResourceName(node['Fn::ImportValue']);
  if (node.Ref) return `<${nagResourceName(node.Ref)}>`;
  return JSON.stringify(value);
}
