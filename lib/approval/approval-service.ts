import { CfnOutput, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { APPROVAL_NOTIFIER_METADATA } from '../assembly/metadata-keys';
import { WorkflowConfigurationError } from '../private/errors';
import { acknowledgeNagRules, acknowledgeXRayWildcard, nagResourceName } from '../private/nag-acknowledgements';
import { APPROVAL_DECISIONS, MAX_COMMENT_LENGTH, PENDING_INDEX } from './approval-record';
import { requireWholeSeconds } from '../private/durations';
import { handlerAssetPath, LIBRARY_HANDLERS } from './handler-assets';
import { ApprovalsPage } from './approvals-page';
import { requireGroupNames, ReviewerPool } from './reviewer-pool';
import { ReviewerSignIn } from './reviewer-sign-in';

/**
 * The ARN the decision handler compares callers with: a role's, a user's, or an ARN principal's.
 *
 * @throws WorkflowConfigurationError for another kind of principal.
 */
export function principalArn(scope: Construct, approver: iam.IGrantable): string {
  if (approver.grantPrincipal instanceof iam.ArnPrincipal) return approver.grantPrincipal.arn;
  if ('roleArn' in approver) return (approver as iam.IRole).roleArn;
  if ('userArn' in approver) return (approver as iam.IUser).userArn;
  throw new WorkflowConfigurationError(
    scope,
    `approver ${approver.grantPrincipal.toString()} is neither an IAM role, a user nor an ARN principal.`,
    'pass iam.Role, iam.User or iam.ArnPrincipal approvers.',
  );
}

/** The decision API's stage. */
const API_STAGE = 'v1';

/** Properties of an {@link ApprovalService}. */
export interface ApprovalServiceProps {
  /**
   * How reviewers authenticate: AWS credentials (`ReviewerSignIn.iam()`), or an Amazon Cognito
   * user pool with the approvals web page (`ReviewerSignIn.cognito()`: a CloudFront distribution,
   * its private bucket, the pool's hosted UI; name approvers with `approverGroups`).
   * @default ReviewerSignIn.iam()
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
   */
  readonly signIn?: ReviewerSignIn;
  /**
   * IAM sign-in only: who may decide. They are granted the decision API (`execute-api:Invoke`),
   * and they decide every HumanApproval that names no approvers of its own.
   * @default - none: then name approvers on each HumanApproval
   */
  readonly approvers?: iam.IGrantable[];
  /**
   * Cognito sign-in only: the Cognito groups whose members decide every HumanApproval that names
   * no groups of its own. Created in the user pool when the service creates the pool; in your
   * own pool they must exist. Names: 1–128 characters, no spaces, commas, brackets or quotes.
   * @default - none: then name approverGroups on each HumanApproval
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html
   */
  readonly approverGroups?: string[];
  /**
   * Email addresses subscribed to the notification topic: each receives a plain-text message
   * per request naming the step, its summary, when it expires and where to decide (the approvals
   * page's deep link with Cognito sign-in, the approver CLI command with IAM). Each address must
   * confirm the subscription SNS mails it.
   * @default - no email subscriptions
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
   */
  readonly notificationEmails?: string[];
  /**
   * Cognito sign-in only: the ARN of a WAF web ACL for the approvals page's CloudFront
   * distribution (created in us-east-1 with scope CLOUDFRONT).
   * @default - no web ACL
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html
   */
  readonly webAclId?: string;
  /**
   * Cognito sign-in only: a custom domain name for the approvals page (with `webCertificate`);
   * the viewer then needs TLS 1.2 or later. Point the name's DNS record at the distribution.
   * @default - the distribution's `*.cloudfront.net` name
   */
  readonly webDomainName?: string;
  /**
   * The certificate of `webDomainName`, in us-east-1.
   * @default - none; required with webDomainName
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
   */
  readonly webCertificate?: acm.ICertificate;
  /**
   * Where approval requests are announced (without the task token).
   * @default - a new topic that only accepts TLS publishers
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Also announce requests as `Approval Requested` events on this bus.
   * @default - no events
   */
  readonly eventBus?: events.IEventBus;
  /**
   * How long a record is kept after its request expires (DynamoDB TTL), for audit.
   * @default Duration.days(90)
   */
  readonly recordRetention?: Duration;
  /**
   * A customer-managed key for the approval table.
   * @default - an AWS-managed key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Steady-state requests per second the decision API accepts.
   * @default 10
   */
  readonly apiRateLimit?: number;
  /**
   * Burst of requests the decision API accepts.
   * @default 20
   */
  readonly apiBurstLimit?: number;
  /**
   * What happens to the approval table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Create the account's API Gateway CloudWatch Logs role (`AWS::ApiGateway::Account`, a
   * setting for the whole account and region), which execution logging of the decision API needs.
   * @default - CDK's default for RestApi (the `@aws-cdk/aws-apigateway:disableCloudWatchRole` feature flag)
   */
  readonly cloudWatchRole?: boolean;
}

/**
 * An approval service as {@link HumanApproval} uses it: the notifier its tasks invoke, the
 * default approvers, access to the decision API, and a way to let the decision handler
 * resume a state machine's executions.
 */
export interface IApprovalService extends IConstruct {
  /** Stores and announces requests; invoked by HumanApproval tasks. */
  readonly notifier: lambda.IFunction;
  /** ARNs of the service-wide approvers; a HumanApproval without approvers of its own is decided by them. */
  readonly approverArns: string[];
  /** Cognito groups of the service-wide approvers (Cognito sign-in). */
  readonly approverGroups: string[];
  /** How reviewers authenticate. */
  readonly signIn: ReviewerSignIn;
  /**
   * Makes sure Cognito groups exist for approvals that name them (creates them in a user pool
   * the service created; a pool of your own must have them).
   *
   * @throws WorkflowConfigurationError with IAM sign-in.
   */
  addApproverGroups(groups: string[]): void;
  /** Grants calling the decision API (list, show and decide approvals). */
  grantDecide(grantee: iam.IGrantable): iam.Grant;
  /**
   * Lets the decision handler resume the executions of a state machine (`states:SendTaskSuccess`,
   * `SendTaskFailure`, `SendTaskHeartbeat` on its ARN) with a policy created once in `scope`,
   * so that a service in another stack creates no dependency cycle.
   */
  grantTaskResponses(stateMachine: sfn.IStateMachine, scope: Construct): void;
}

/**
 * The infrastructure behind {@link HumanApproval} steps: an approval store (DynamoDB, on demand,
 * encrypted, point-in-time recovery, TTL), a notifier that stores each request and announces
 * it by an opaque approval id, and a decision API (API Gateway REST; IAM authorization, or with
 * `signIn: ReviewerSignIn.cognito()` a Cognito user pools authorizer and the approvals web page
 * behind CloudFront) whose handler lets exactly one decision through and resumes the workflow. The task token stays in
 * the table: it is never in a notification, a URL, a log line or the state output.
 *
 * One service can serve many workflows: a `Workflow` containing a HumanApproval of this service
 * grants the decision handler `states:SendTask*` on its own state machine.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export class ApprovalService extends Construct implements IApprovalService {
  /** The approval store. */
  public readonly table: dynamodb.TableV2;
  /** Where requests are announced. */
  public readonly notificationTopic: sns.ITopic;
  /** Stores and announces requests; invoked by HumanApproval tasks. */
  public readonly notifier: lambda.IFunction;
  /** Serves the decision API. */
  public readonly decisionFunction: lambda.Function;
  /** The decision API. */
  public readonly api: apigateway.RestApi;
  /**
   * ARNs of the service-wide approvers; a HumanApproval without approvers of its own is
   * decided by them.
   */
  public readonly approverArns: string[];
  /** Cognito groups of the service-wide approvers (Cognito sign-in; empty with IAM). */
  public readonly approverGroups: string[];
  /** How reviewers authenticate. */
  public readonly signIn: ReviewerSignIn;
  /**
   * The user pool reviewers sign in to (Cognito sign-in): add reviewers to it with
   * `aws cognito-idp admin-create-user` and `admin-add-user-to-group`.
   * @default - none with IAM sign-in
   */
  public readonly userPool?: cognito.IUserPool;
  /**
   * The approvals page's app client (Cognito sign-in).
   * @default - none with IAM sign-in
   */
  public readonly userPoolClient?: cognito.IUserPoolClient;
  /**
   * The approvals web page's URL, `https://<domain>` without a trailing slash (Cognito sign-in);
   * one approval's deep link is `<approvalsPageUrl>/?approval=<approvalId>`. Also a stack output.
   * @default - none with IAM sign-in
   */
  public readonly approvalsPageUrl?: string;
  /**
   * The CloudFront distribution serving the approvals page and, at `/approvals*`, the decision API (Cognito sign-in).
   * @default - none with IAM sign-in
   */
  public readonly distribution?: cloudfront.IDistribution;

  private readonly reviewerPool?: ReviewerPool;

  /**
   * @throws WorkflowConfigurationError if `recordRetention` is not whole seconds, an approver is
   * not an IAM principal with an ARN, approvers do not match the sign-in (IAM `approvers` with
   * Cognito, `approverGroups` or web page options with IAM), a group name is not usable, or
   * `webDomainName` and `webCertificate` are not given together.
   */
  constructor(scope: Construct, id: string, props: ApprovalServiceProps = {}) {
    super(scope, id);
    this.signIn = props.signIn ?? ReviewerSignIn.iam();
    this.validateSignInProps(props);
    this.approverGroups = [...(props.approverGroups ?? [])];
    this.table = this.createTable(props);
    this.notificationTopic = props.notificationTopic ?? new sns.Topic(this, 'Notifications', { enforceSSL: true });
    this.subscribeEmails(props.notificationEmails ?? []);
    this.decisionFunction = this.libraryFunction('DecisionFunction', 'approval-decision', this.signIn.isCognito ? { REVIEWER_SIGN_IN: 'cognito' } : {});
    this.reviewerPool = this.signIn.isCognito ? new ReviewerPool(this, 'Reviewers', this.signIn) : undefined;
    this.api = this.createApi(props);
    if (this.reviewerPool) {
      this.userPool = this.reviewerPool.userPool;
      const page = this.createPage(this.reviewerPool, props);
      this.approvalsPageUrl = page.url;
      this.distribution = page.distribution;
      this.userPoolClient = this.reviewerPool.client;
      this.reviewerPool.ensureGroups(this.approverGroups);
    }
    const recordRetention = props.recordRetention ?? Duration.days(90);
    requireWholeSeconds(this, 'recordRetention', recordRetention, { min: 0 });
    this.notifier = this.libraryFunction('Notifier', 'approval-notifier', {
      RETENTION_SECONDS: String(recordRetention.toSeconds()),
      DECISION_API_URL: this.apiUrl(),
      TOPIC_ARN: this.notificationTopic.topicArn,
      ...(this.approvalsPageUrl ? { APPROVALS_PAGE_URL: this.approvalsPageUrl } : {}),
      ...(props.eventBus ? { EVENT_BUS_NAME: props.eventBus.eventBusName } : {}),
    });
    (this.notifier.node.defaultChild as lambda.CfnFunction).addMetadata(APPROVAL_NOTIFIER_METADATA, true);
    this.grantTableAccess();
    this.notificationTopic.grantPublish(this.notifier);
    props.eventBus?.grantPutEventsTo(this.notifier);
    this.approverArns = (props.approvers ?? []).map((approver) => {
      this.grantDecide(approver);
      return principalArn(this, approver);
    });
  }

  /**
   * Cognito sign-in: makes sure the groups exist, creating each (once) in a user pool the service
   * created; groups of a pool of your own are yours to create.
   *
   * @throws WorkflowConfigurationError with IAM sign-in, or for a group name Cognito or the decision handler cannot use.
   */
  public addApproverGroups(groups: string[]): void {
    if (!this.reviewerPool) {
      throw new WorkflowConfigurationError(
        this,
        `approver groups ${JSON.stringify(groups)} need Cognito sign-in, but reviewers of this approval service sign in with IAM.`,
        'pass signIn: ReviewerSignIn.cognito() to the ApprovalService, or name IAM approvers instead of groups.',
      );
    }
    requireGroupNames(this, 'approverGroups', groups);
    this.reviewerPool.ensureGroups(groups);
  }

  /**
   * Grants calling the decision API: list, show and decide approvals, on its one stage (`v1`).
   * The grant names the stage and each method; the approval id, a path parameter, is the one
   * wildcard (acknowledged for cdk-nag on the grantee with that reason).
   *
   * @throws WorkflowConfigurationError with Cognito sign-in, where the API takes Cognito access tokens only.
   */
  public grantDecide(grantee: iam.IGrantable): iam.Grant {
    if (this.signIn.isCognito) {
      throw new WorkflowConfigurationError(
        this,
        `grantDecide(${grantee.grantPrincipal.toString()}) has no effect: reviewers of this approval service sign in with Cognito, and every decision API method takes Cognito access tokens only.`,
        'add the reviewer to an approver group of the user pool (aws cognito-idp admin-add-user-to-group), or use ReviewerSignIn.iam().',
      );
    }
    const resourceArns = [
      this.api.arnForExecuteApi('GET', '/approvals', API_STAGE),
      this.api.arnForExecuteApi('GET', '/approvals/*', API_STAGE),
      this.api.arnForExecuteApi('POST', '/approvals/*/decision', API_STAGE),
    ];
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns });
    if (Construct.isConstruct(grantee)) {
      const wildcards = resourceArns.map((arn) => nagResourceName(Stack.of(this).resolve(arn))).filter((name) => name.includes('*'));
      acknowledgeNagRules(grantee, {
        id: 'AwsSolutions-IAM5',
        reason: `The approval id is a path parameter of the decision API: the grant names the API, its stage (${API_STAGE}) and each method (GET /approvals/{id}, POST /approvals/{id}/decision); only the id segment is a wildcard.`,
        appliesTo: wildcards.map((name) => `Resource::${name}`),
      });
    }
    return grant;
  }

  /**
   * Lets the decision handler resume the executions of a state machine (`states:SendTaskSuccess`,
   * `SendTaskFailure`, `SendTaskHeartbeat` on its ARN) with a policy created once in `scope`,
   * so that a service in another stack creates no dependency cycle. A `Workflow` calls it for
   * each HumanApproval of this service it contains.
   */
  public grantTaskResponses(stateMachine: sfn.IStateMachine, scope: Construct): void {
    const id = `ApprovalDecisions${Names.nodeUniqueId(this.node)}`;
    if (scope.node.tryFindChild(id)) return;
    const decisions = new iam.Policy(scope, id, { roles: [this.decisionFunction.role!] });
    stateMachine.grantTaskResponse(decisions);
  }

  /**
   * The decision API's URL, built from the API id rather than `api.url`: `api.url` depends on
   * the stage, hence on the decision handler, which a Workflow grants access to its state
   * machine, whose role may invoke this notifier: a dependency cycle.
   */
  private apiUrl(): string {
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${API_STAGE}/`;
  }

  private createTable(props: ApprovalServiceProps): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'approvalId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: props.encryptionKey
        ? dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey)
        : dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      globalSecondaryIndexes: [{
        indexName: PENDING_INDEX,
        partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'expiresAt', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: ['executionArn', 'stateName', 'summary', 'approvers', 'approverGroups', 'requestedAt'],
      }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * Least privilege on the table: the notifier puts a request (and deletes it again when it
   * cannot be announced), the decision handler reads and updates.
   */
  private grantTableAccess(): void {
    this.notifier.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [this.table.tableArn] }));
    this.decisionFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      resources: [this.table.tableArn, `${this.table.tableArn}/index/${PENDING_INDEX}`],
    }));
    this.table.encryptionKey?.grantEncryptDecrypt(this.notifier);
    this.table.encryptionKey?.grantEncryptDecrypt(this.decisionFunction);
  }

  private createApi(props: ApprovalServiceProps): apigateway.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const api = new apigateway.RestApi(this, 'DecisionApi', {
      description: this.reviewerPool ? 'Human approval decisions (Cognito access tokens)' : 'Human approval decisions (IAM-signed requests)',
      defaultMethodOptions: this.reviewerPool
        ? { authorizationType: apigateway.AuthorizationType.COGNITO, authorizer: this.reviewerPool.authorizer, authorizationScopes: [this.reviewerPool.decideScope] }
        : { authorizationType: apigateway.AuthorizationType.IAM },
      cloudWatchRole: props.cloudWatchRole,
      deployOptions: {
        stageName: API_STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: props.apiRateLimit ?? 10,
        throttlingBurstLimit: props.apiBurstLimit ?? 20,
      },
    });
    const integration = new apigateway.LambdaIntegration(this.decisionFunction);
    const validator = api.addRequestValidator('DecisionValidator', { validateRequestBody: true, validateRequestParameters: true });
    const decisionModel = api.addModel('Decision', {
      contentType: 'application/json',
      schema: {
        type: apigateway.JsonSchemaType.OBJECT,
        required: ['decision'],
        additionalProperties: false,
        properties: {
          decision: { type: apigateway.JsonSchemaType.STRING, enum: [...APPROVAL_DECISIONS] },
          // maxLength counts Unicode code points, as the handler does (commentLength)
          comment: { type: apigateway.JsonSchemaType.STRING, maxLength: MAX_COMMENT_LENGTH },
        },
      },
    });
    const approvals = api.root.addResource('approvals');
    approvals.addMethod('GET', integration, { requestValidator: validator });
    const approval = approvals.addResource('{id}');
    approval.addMethod('GET', integration, { requestValidator: validator, requestParameters: { 'method.request.path.id': true } });
    approval.addResource('decision').addMethod('POST', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.path.id': true },
      requestModels: { 'application/json': decisionModel },
    });
    this.acknowledgeApiFindings(api);
    return api;
  }

  private acknowledgeApiFindings(api: apigateway.RestApi): void {
    if (this.reviewerPool) {
      acknowledgeNagRules(api, {
        id: 'AwsSolutions-APIG3',
        reason: 'Every method requires a Cognito access token with the decide scope and the stage is throttled; the approvals page reaches it through CloudFront, where webAclId attaches a WAF web ACL.',
      });
    } else {
      acknowledgeNagRules(api, {
        id: 'AwsSolutions-COG4',
        reason: 'The decision API uses IAM (SigV4) authorization: reviewers are IAM principals, and the handler checks each approval\'s approvers.',
      }, {
        id: 'AwsSolutions-APIG3',
        reason: 'Every method requires IAM-signed requests and the stage is throttled; attach a WAF web ACL where the account policy asks for one.',
      });
    }
    const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledgeNagRules(cloudWatchRole, {
        id: 'AwsSolutions-IAM4',
        reason: "API Gateway's account-level logging role; AWS publishes only the managed AmazonAPIGatewayPushToCloudWatchLogs policy for it.",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
      });
    }
  }

  /** The approvals page: its hosting, the app client whose callback it is, its config.json, and a stack output of its URL. */
  private createPage(pool: ReviewerPool, props: ApprovalServiceProps): ApprovalsPage {
    const page = new ApprovalsPage(this, 'ApprovalsPage', {
      restApiId: this.api.restApiId,
      apiStage: API_STAGE,
      signInOrigin: pool.signInBaseUrl,
      webAclId: props.webAclId,
      domainName: props.webDomainName,
      certificate: props.webCertificate,
    });
    const client = pool.addPageClient(page.url);
    page.deploy({
      authorizeUrl: `${pool.signInBaseUrl}/oauth2/authorize`,
      tokenUrl: `${pool.signInBaseUrl}/oauth2/token`,
      logoutUrl: `${pool.signInBaseUrl}/logout`,
      clientId: client.userPoolClientId,
      scope: `openid ${pool.decideScope}`,
    });
    new CfnOutput(this, 'ApprovalsPageUrl', { value: page.url, description: 'The approvals web page: reviewers sign in here to decide approval requests.' });
    return page;
  }

  /**
   * Email subscriptions of the topic, with a dead-letter queue for the messages SNS could not
   * deliver (kept 14 days: who was not told about which request).
   *
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
   */
  private subscribeEmails(emails: string[]): void {
    if (emails.length === 0) return;
    const deadLetters = new sqs.Queue(this, 'EmailDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = 'This queue is itself the dead-letter queue of the email subscriptions of the approval notification topic: nothing consumes it, so nothing is redriven.';
    acknowledgeNagRules(deadLetters, { id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
    for (const email of emails) this.notificationTopic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: deadLetters }));
  }

  /** Approvers and page options that do not fit the sign-in throw at once, with the fix. */
  private validateSignInProps(props: ApprovalServiceProps): void {
    const fail = (problem: string, fix: string) => {
      throw new WorkflowConfigurationError(this, problem, fix);
    };
    if (this.signIn.isCognito) {
      if (props.approvers?.length) {
        fail(
          `approvers names ${props.approvers.length} IAM principal(s), but reviewers sign in with Cognito, where IAM principals cannot call the decision API.`,
          'name Cognito groups with approverGroups (e.g. approverGroups: [\'order-reviewers\']), or use signIn: ReviewerSignIn.iam().',
        );
      }
      requireGroupNames(this, 'approverGroups', props.approverGroups ?? []);
    } else {
      if (props.approverGroups?.length) {
        fail(
          `approverGroups ${JSON.stringify(props.approverGroups)} needs Cognito sign-in, but reviewers sign in with IAM.`,
          'pass signIn: ReviewerSignIn.cognito() to use groups, or name IAM roles and users with approvers.',
        );
      }
      const pageOptions = (['webAclId', 'webDomainName', 'webCertificate'] as const).filter((name) => props[name] !== undefined);
      if (pageOptions.length) fail(`${pageOptions.join(', ')} configure the approvals web page, which exists only with Cognito sign-in.`, 'pass signIn: ReviewerSignIn.cognito(), or remove them.');
    }
    if ((props.webDomainName === undefined) !== (props.webCertificate === undefined)) {
      fail(`webDomainName (${props.webDomainName ?? 'none'}) and webCertificate (${props.webCertificate ? 'given' : 'none'}) go together.`, 'pass both: the domain name and its ACM certificate in us-east-1, or neither.');
    }
    for (const email of props.notificationEmails ?? []) {
      if (!Token.isUnresolved(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail(`notificationEmails names ${JSON.stringify(email)}, which is not an email address.`, 'pass addresses like reviewers@example.com.');
    }
  }

  /**
   * A pre-bundled library handler with its own log group and a role limited to writing to it
   * (no AWS-managed policy), X-Ray tracing, and explicit memory and timeout.
   */
  private libraryFunction(
    id: string,
    name: keyof typeof LIBRARY_HANDLERS,
    environment: Record<string, string> = {},
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.THREE_MONTHS });
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const fn = new lambda.Function(this, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAssetPath(name)),
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        TABLE_NAME: this.table.tableName,
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
    });
    acknowledgeXRayWildcard(role);
    acknowledgeNagRules(fn, {
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously (by a Step Functions task or API Gateway): errors return to the caller; a dead-letter queue applies to asynchronous invocations only.',
    });
    return fn;
  }
}
