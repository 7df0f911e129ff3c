import { StatesError } from '../engine/errors';
import { taskError } from './service-errors';

const STATES_RESOURCE = /^arn:[^:]+:states:::(.+)$/;
const AWS_SDK = /^aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)/;
const HTTP_INVOKE = 'http:invoke';

/**
 * The keys a test can register a task handler under for a `Resource`, most specific first:
 * the resource itself, then its service action without the `arn:aws:states:::` prefix
 * (`http:invoke`, `aws-sdk:ssm:getParameter`, `sqs:sendMessage.waitForTaskToken`), then the
 * service action without the integration pattern (`sqs:sendMessage`).
 */
export function handlerKeys(resource: string): string[] {
  const action = STATES_RESOURCE.exec(resource)?.[1];
  if (!action) return [resource];
  const withoutPattern = action.replace(/\.(sync(:2)?|waitForTaskToken)$/, '');
  return [...new Set([resource, action, withoutPattern])];
}

/** The key a refusal suggests for a resource: its service action, e.g. `aws-sdk:ssm:getParameter`. */
export function suggestedHandlerKey(resource: string): string {
  const keys = handlerKeys(resource);
  return keys[keys.length - 1];
}

/**
 * The error prefixes of the AWS SDK integrations whose PascalCase is not the service id's
 * first letter upper-cased (from the Developer Guide's list of supported services); others are
 * derived, which AWS does not promise.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
const SDK_ERROR_PREFIXES: Record<string, string> = {
  acmpca: 'AcmPca', apigateway: 'ApiGateway', apigatewayv2: 'ApiGatewayV2', bedrockagent: 'BedrockAgent', bedrockagentruntime: 'BedrockAgentRuntime',
  bedrockruntime: 'BedrockRuntime', cloudformation: 'CloudFormation', cloudfront: 'CloudFront', cloudhsmv2: 'CloudHsmV2', cloudwatch: 'CloudWatch',
  cloudwatchlogs: 'CloudWatchLogs', codebuild: 'CodeBuild', codecommit: 'CodeCommit', codepipeline: 'CodePipeline', cognitoidentityprovider: 'CognitoIdentityProvider',
  dynamodb: 'DynamoDb', dynamodbstreams: 'DynamoDbStreams', ec2: 'Ec2', ecr: 'Ecr', ecs: 'Ecs', eks: 'Eks', elasticache: 'ElastiCache', emr: 'Emr',
  eventbridge: 'EventBridge', iam: 'Iam', kms: 'Kms', opensearch: 'OpenSearch', rds: 'Rds', rdsdata: 'RdsData', route53: 'Route53', s3: 'S3',
  sagemaker: 'SageMaker', secretsmanager: 'SecretsManager', servicediscovery: 'ServiceDiscovery', ses: 'Ses', sesv2: 'SesV2', sfn: 'Sfn',
  sns: 'Sns', sqs: 'Sqs', ssm: 'Ssm', sts: 'Sts',
};

/**
 * A test handler's error as the task reports it. For an `aws-sdk:<service>:<action>` task, an
 * error named like a service exception without the service (`ParameterNotFound`,
 * `ParameterNotFoundException`) becomes `<Service>.<Name>Exception` (`Ssm.ParameterNotFoundException`),
 * as AWS names SDK integration errors; names holding a `.` (`Ssm.ParameterNotFoundException`,
 * `States.Timeout`) and a plain `Error` stay as thrown.
 */
export function serviceErrorOf(resource: string, thrown: unknown): unknown {
  const service = AWS_SDK.exec(STATES_RESOURCE.exec(resource)?.[1] ?? '')?.[1];
  const error = thrown as Error | undefined;
  if (!service || !error || typeof error.name !== 'string' || error.name === 'Error' || error.name.includes('.') || error instanceof StatesError) return thrown;
  const prefix = SDK_ERROR_PREFIXES[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
  const name = error.name.endsWith('Exception') ? error.name : `${error.name}Exception`;
  return taskError(`${prefix}.${name}`, error.message);
}

/**
 * What an `http:invoke` task returns, from a test handler's answer in the integration's shape
 * (`StatusCode`, `StatusText`, `Headers`, `ResponseBody`; missing fields default to 200, `OK`,
 * `{}`). A status outside 2xx fails the task with `States.Http.StatusCode.<code>` and the
 * response as JSON text in the cause (the cause's exact text is not documented).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html
 */
export function httpInvokeResult(resource: string, answer: unknown): unknown {
  if (STATES_RESOURCE.exec(resource)?.[1] !== HTTP_INVOKE) return answer;
  const given = (answer && typeof answer === 'object' ? answer : {}) as Record<string, unknown>;
  const statusCode = Number(given.StatusCode ?? 200);
  const response = { Headers: given.Headers ?? {}, ResponseBody: given.ResponseBody ?? '', StatusCode: statusCode, StatusText: given.StatusText ?? (statusCode < 300 ? 'OK' : '') };
  if (statusCode < 200 || statusCode > 299) throw taskError(`States.Http.StatusCode.${statusCode}`, JSON.stringify(response));
  return response;
}
