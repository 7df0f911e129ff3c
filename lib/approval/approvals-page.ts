import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNagRules, NagAcknowledgement, nagResourceName } from '../private/nag-acknowledgements';
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS } from './approvals-page-policy';
import { approvalsPageAssetPath } from './handler-assets';

/** What the approvals page is served with and talks to. */
export interface ApprovalsPageOptions {
  /** The decision API's REST API id; the page reaches it at `/approvals*` on its own origin. */
  readonly restApiId: string;
  /** The decision API's stage, the origin path (`/v1`). */
  readonly apiStage: string;
  /** The sign-in origin (Cognito hosted UI) the CSP allows for the token request and the sign-in form. */
  readonly signInOrigin: string;
  /** A WAF web ACL (us-east-1, scope CLOUDFRONT) for the distribution. */
  readonly webAclId?: string;
  /** A custom domain name for the page. */
  readonly domainName?: string;
  /** Its certificate (in us-east-1). */
  readonly certificate?: acm.ICertificate;
}

/** The content of the page's `/config.json`: where to sign in, as the page reads it. */
export interface ApprovalsPageConfig {
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly logoutUrl: string;
  readonly clientId: string;
  readonly scope: string;
}

/**
 * The approvals web page's hosting: a private S3 bucket (no public access, TLS only, encrypted,
 * no website hosting) read by CloudFront through origin access control, HTTPS only, with the
 * page's security headers on every answer; `/approvals*` goes to the decision API (its stage as
 * the origin path, nothing cached, the Authorization header forwarded).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 */
export class ApprovalsPage extends Construct {
  /** The page's bucket. */
  public readonly bucket: s3.Bucket;
  /** The distribution serving the page and the API. */
  public readonly distribution: cloudfront.Distribution;
  /** The page's URL, `https://<domain>` (no trailing slash). */
  public readonly url: string;

  private readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, options: ApprovalsPageOptions) {
    super(scope, id);
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL: the bucket must accept ACLs from the object writer.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNagRules(this.logBucket, {
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the approvals page (its bucket and its CloudFront distribution log here); logging it to itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
      // Only generated files: the deployment removes them when it leaves the stack, then the bucket goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.distribution = this.createDistribution(options);
    this.url = `https://${options.domainName ?? this.distribution.distributionDomainName}`;
  }

  /**
   * Deploys the page's files (`web/approvals` of this package) and its `/config.json`, then
   * invalidates the distribution's cache so the new page is served at once.
   */
  public deploy(config: ApprovalsPageConfig): s3deploy.BucketDeployment {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const deployment = new s3deploy.BucketDeployment(this, 'Files', {
      sources: [s3deploy.Source.asset(approvalsPageAssetPath()), s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      retainOnDelete: false,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup,
      memoryLimit: 256,
    });
    this.acknowledgeDeploymentHandler();
    return deployment;
  }

  private createDistribution(options: ApprovalsPageOptions): cloudfront.Distribution {
    const stack = Stack.of(this);
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Approvals page: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(options.signInOrigin), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
    });
    const api = new origins.HttpOrigin(`${options.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      originPath: `/${options.apiStage}`,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Approvals page and decision API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        // API Gateway answers 403 to a forwarded Host header; with caching disabled, the all-viewer
        // policy forwards the Authorization header (an origin request policy may then include it).
        '/approvals*': {
          origin: api,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: options.webAclId,
      ...(options.domainName
        ? { domainNames: [options.domainName], certificate: options.certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
    });
    this.acknowledgeDistribution(distribution, options);
    return distribution;
  }

  private acknowledgeDistribution(distribution: cloudfront.Distribution, options: ApprovalsPageOptions): void {
    acknowledgeNagRules(distribution, {
      id: 'AwsSolutions-CFR1',
      reason: 'Reviewers may work from any country; sign-in (Cognito, MFA required) and the decision API decide who gets in, not the viewer location.',
    });
    if (!options.webAclId) {
      acknowledgeNagRules(distribution, {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront web ACL must be created in us-east-1 (scope CLOUDFRONT), which this stack may not be in: pass webAclId to attach one. ' +
          'Every API path requires a Cognito access token, the API stage is throttled, and the page is static.',
      });
    }
    if (!options.domainName) {
      acknowledgeNagRules(distribution, {
        id: 'AwsSolutions-CFR4',
        reason:
          'With the default *.cloudfront.net certificate CloudFront fixes the viewer security policy (TLSv1); pass webDomainName and webCertificate ' +
          'to serve the page on your domain with TLSv1.2_2021.',
      });
    }
  }

  /** BucketDeployment's singleton handler (aws-cdk-lib's own Lambda): what it needs, acknowledged with why. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      const runtimeReason = "aws-cdk-lib's BucketDeployment handler pins its own runtime (it runs the AWS CLI layer); it copies the page's files at deploy time only.";
      acknowledgeNagRules(child, {
        id: 'AwsSolutions-L1',
        reason: runtimeReason,
      }, {
        id: 'Serverless-LambdaLatestVersion',
        reason: runtimeReason,
      }, {
        id: 'Serverless-LambdaDLQ',
        reason: 'Invoked synchronously by CloudFormation as a custom resource: a failure fails the deployment; a dead-letter queue applies to asynchronous invocations only.',
      }, {
        id: 'Serverless-LambdaTracing',
        reason: "aws-cdk-lib's BucketDeployment handler runs once per deployment to copy static files; tracing it adds no insight.",
      }, {
        id: 'Serverless-LambdaDefaultMemorySize',
        reason: 'The BucketDeployment handler is given 256 MB explicitly for copying the page files.',
      });
      const role = child.node.tryFindChild('ServiceRole');
      if (!role) continue;
      acknowledgeNagRules(role, {
        id: 'AwsSolutions-IAM4',
        reason: "aws-cdk-lib creates the BucketDeployment handler's role with AWSLambdaBasicExecutionRole (CloudWatch Logs writes only).",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      });
      const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
      if (policy) acknowledgeNagRules(policy, ...deploymentWildcards(policy));
    }
  }
}

/**
 * The wildcards aws-cdk-lib grants the BucketDeployment handler, each with why: S3 action groups
 * and object-key wildcards to copy the files from the CDK asset bucket into the page bucket, and
 * CloudFront invalidations, which aws-cdk-lib grants on `*`.
 */
function deploymentWildcards(policy: iam.Policy): NagAcknowledgement[] {
  const statements: any[] = Stack.of(policy).resolve(policy.document.toJSON()?.Statement ?? []);
  const acknowledgements: NagAcknowledgement[] = [];
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions: string[] = [statement.Action].flat();
    const findings = [
      ...actions.filter((action) => action.includes('*')).map((action) => `Action::${action}`),
      ...[statement.Resource].flat().map(nagResourceName).filter((resource) => resource.includes('*')).map((resource) => `Resource::${resource}`),
    ];
    if (findings.length === 0) continue;
    const reason = actions.every((action) => action.startsWith('cloudfront:'))
      ? "aws-cdk-lib's BucketDeployment grants cloudfront:CreateInvalidation/GetInvalidation on '*'; the handler invalidates only the approvals page's distribution after each deployment."
      : "aws-cdk-lib's BucketDeployment grants S3 action groups (GetObject*, List*, DeleteObject*, Abort*) on the asset bucket's and the page bucket's objects (key wildcards): what copying and pruning the page's files needs.";
    acknowledgements.push({ id: 'AwsSolutions-IAM5', reason, appliesTo: findings });
  }
  return acknowledgements;
}
