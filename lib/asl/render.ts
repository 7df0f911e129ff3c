import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AslDefinition } from './definition';
import { flattenIntrinsic, parseFlattenedDefinition } from './flatten';

/**
 * The ASL of a state machine in a construct tree, with CloudFormation references written as
 * placeholders (`${LambdaFunctionLogicalId.Arn}`, `${AWS::Partition}`).
 *
 * @throws Error if the state machine's definition is stored in S3 (`DefinitionBody.fromFile`)
 * rather than inline, or the state machine is imported (not defined in this app).
 */
export function renderDefinition(stateMachine: sfn.IStateMachine): AslDefinition {
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine | undefined;
  const stack = Stack.of(stateMachine);
  const resolved = cfn === undefined ? undefined : stack.resolve(cfn.definitionString);
  if (cfn === undefined || resolved === undefined) {
    throw new Error(`[${stateMachine.node.path}] has no inline definition to render (an imported state machine, or DefinitionBody.fromFile, is not supported).`);
  }
  const substitutions = stack.resolve(cfn.definitionSubstitutions) as Record<string, unknown> | undefined;
  return parseFlattenedDefinition(flattenIntrinsic(resolved), substitutions, stateMachine.node.path);
}
