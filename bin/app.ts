#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ReviewerSignIn } from '../lib';
import { addOrderProcessing } from './order-processing-stack';

/**
 * The example CDK app: `cdk synth` / `cdk deploy` read it through cdk.json. The workflows are
 * JSONata, as AWS recommends for new workflows; `queryLanguage: sfn.QueryLanguage.JSON_PATH`
 * builds the same workflow in JSONPath (test/order-workflow.test.ts covers that form, and
 * test/order-workflow-jsonata.test.ts shows both end every example order the same way).
 */
const app = new App();
addOrderProcessing(app, {
  description: 'cdk-sfn-workflows example: the order workflow (saga with compensations)',
  queryLanguage: sfn.QueryLanguage.JSONATA,
  reviewerSignIn: reviewerSignInOf(app.node.tryGetContext('reviewers')),
  reviewerEmails: listOf(app.node.tryGetContext('reviewerEmails')),
});

/**
 * `-c reviewers=cognito` deploys the review step with Cognito reviewers and the approvals web
 * page; `iam` (the default) keeps the OrderReviewer role and the approver CLI.
 */
function reviewerSignInOf(value: unknown): ReviewerSignIn {
  if (value === undefined || value === 'iam') return ReviewerSignIn.iam();
  if (value === 'cognito') return ReviewerSignIn.cognito();
  throw new Error(`Context reviewers=${String(value)} is not a sign-in: use -c reviewers=cognito (the approvals web page) or -c reviewers=iam (the default).`);
}

/** `-c reviewerEmails=a@example.com,b@example.com`: the addresses told about each flagged order. */
function listOf(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  return String(value).split(',').map((item) => item.trim()).filter((item) => item !== '');
}
