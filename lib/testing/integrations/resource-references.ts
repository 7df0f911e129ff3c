import type { AssemblyStack } from '../../assembly/cloud-assembly';
import type { LocalEnvironment } from '../function-registry';
import { localTableName } from './table-definitions';

/**
 * What `Ref` and `Fn::GetAtt` of a table, queue, topic or bucket of the stack stand for locally,
 * so that a task's `TableName`, `QueueUrl`, `TopicArn` or `Bucket` names the local resource.
 * Names are the literal name property, else `<stack name>-<logical id>` (lowercase for buckets);
 * CloudFormation would add a random suffix.
 *
 * @returns undefined for other resources and attributes.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html
 */
export function resourceReference(stack: AssemblyStack, logicalId: string, attribute: string | undefined, environment: LocalEnvironment): string | undefined {
  const resource = stack.template.Resources?.[logicalId];
  if (!resource) return undefined;
  const { region, account } = environment;
  const literal = (property: string): string | undefined => (typeof resource.Properties?.[property] === 'string' ? resource.Properties[property] : undefined);
  const generated = `${stack.stackName}-${logicalId}`;
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = localTableName(stack, logicalId);
      return pick(attribute, { Ref: name, Arn: `arn:aws:dynamodb:${region}:${account}:table/${name}`, StreamArn: `arn:aws:dynamodb:${region}:${account}:table/${name}/stream/1970-01-01T00:00:00.000` });
    }
    case 'AWS::SQS::Queue': {
      const name = literal('QueueName') ?? (resource.Properties?.FifoQueue === true ? `${generated}.fifo` : generated);
      const url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      return pick(attribute, { Ref: url, QueueUrl: url, QueueName: name, Arn: `arn:aws:sqs:${region}:${account}:${name}` });
    }
    case 'AWS::SNS::Topic': {
      const name = literal('TopicName') ?? (resource.Properties?.FifoTopic === true ? `${generated}.fifo` : generated);
      const arn = `arn:aws:sns:${region}:${account}:${name}`;
      return pick(attribute, { Ref: arn, TopicArn: arn, TopicName: name });
    }
    case 'AWS::S3::Bucket': {
      const name = literal('BucketName') ?? generated.toLowerCase();
      return pick(attribute, { Ref: name, Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${region}.amazonaws.com` });
    }
    default:
      return undefined;
  }
}

function pick(attribute: string | undefined, values: Record<string, string>): string | undefined {
  return values[attribute ?? 'Ref'];
}

/** The SQS queues of the stacks by local URL, or undefined without stacks (a plain definition: any queue goes). */
export function localQueues(stacks: readonly AssemblyStack[], environment: LocalEnvironment): ReadonlyMap<string, { fifo: boolean; contentBasedDeduplication: boolean }> | undefined {
  return stacks.length === 0 ? undefined : messagingResources(stacks, environment, 'AWS::SQS::Queue', 'FifoQueue');
}

/** The SNS topics of the stacks by local ARN, or undefined without stacks (a plain definition: any topic goes). */
export function localTopics(stacks: readonly AssemblyStack[], environment: LocalEnvironment): ReadonlyMap<string, { fifo: boolean; contentBasedDeduplication: boolean }> | undefined {
  return stacks.length === 0 ? undefined : messagingResources(stacks, environment, 'AWS::SNS::Topic', 'FifoTopic');
}

function messagingResources(stacks: readonly AssemblyStack[], environment: LocalEnvironment, type: string, fifoProperty: string) {
  const found = new Map<string, { fifo: boolean; contentBasedDeduplication: boolean }>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== type) continue;
      const properties = resource.Properties ?? {};
      found.set(resourceReference(stack, logicalId, undefined, environment)!, { fifo: properties[fifoProperty] === true, contentBasedDeduplication: properties.ContentBasedDeduplication === true });
    }
  }
  return found;
}
