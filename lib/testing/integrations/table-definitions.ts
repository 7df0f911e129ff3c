import { AssemblyStack } from '../../assembly/cloud-assembly';

/** A DynamoDB table of a synthesized stack, as CreateTable takes it locally. */
export interface LocalTableDefinition {
  /** The table's logical id in its stack. */
  readonly logicalId: string;
  /** Its construct path, when recorded. */
  readonly constructPath?: string;
  /** Its construct path below the stack's, when recorded. */
  readonly relativePath?: string;
  /** The CreateTable request (PascalCase, as the DynamoDB API). */
  readonly request: Record<string, unknown>;
}

const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

/**
 * The local name of a table: its literal `TableName`, else `<stack name>-<logical id>`
 * (CloudFormation adds a random suffix to that; locally the name stays predictable).
 */
export function localTableName(stack: AssemblyStack, logicalId: string): string {
  const name = stack.template.Resources?.[logicalId]?.Properties?.TableName;
  return typeof name === 'string' ? name : `${stack.stackName}-${logicalId}`;
}

/**
 * The `AWS::DynamoDB::Table` and `AWS::DynamoDB::GlobalTable` (CDK's `TableV2`) resources of a
 * stack as CreateTable requests: key schema, attribute definitions, global and local secondary
 * indexes with their projections. Capacity settings, streams, TTL, encryption and replicas do not
 * change what the item API answers, so they are left out (every table is on-demand locally).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html
 */
export function tablesOf(stack: AssemblyStack): LocalTableDefinition[] {
  return Object.entries(stack.template.Resources ?? {})
    .filter(([, resource]) => TABLE_TYPES.includes(resource.Type))
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const request: Record<string, unknown> = {
        TableName: localTableName(stack, logicalId),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: properties.KeySchema,
        AttributeDefinitions: properties.AttributeDefinitions,
      };
      const globalIndexes = indexes(properties.GlobalSecondaryIndexes);
      const localIndexes = indexes(properties.LocalSecondaryIndexes);
      if (globalIndexes) request.GlobalSecondaryIndexes = globalIndexes;
      if (localIndexes) request.LocalSecondaryIndexes = localIndexes;
      const constructPath = stack.constructPaths.get(logicalId);
      return { logicalId, constructPath, relativePath: constructPath?.slice(stack.displayName.length + 1), request };
    });
}

/** Indexes with only the fields CreateTable needs on an on-demand table (no capacity, no per-replica settings). */
function indexes(value: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((index: Record<string, unknown>) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection ?? { ProjectionType: 'ALL' } }));
}
