#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { addOrderProcessing } from './order-processing-stack';

/**
 * The example CDK app: `cdk synth` / `cdk deploy` read it through cdk.json. The workflows are
 * JSONata, as AWS recommends for new workflows; `queryLanguage: sfn.QueryLanguage.JSON_PATH`
 * builds the same workflow in JSONPath (test/order-workflow.test.ts covers that form, and
 * test/order-workflow-jsonata.test.ts shows both end every example order the same way).
 */
addOrderProcessing(new App(), {
  description: 'cdk-sfn-workflows example: the order workflow (saga with compensations)',
  queryLanguage: sfn.QueryLanguage.JSONATA,
});
