#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrderProcessingStack } from './order-processing-stack';

/** The example CDK app: `cdk synth` / `cdk deploy` read it through cdk.json. */
const app = new App();
new OrderProcessingStack(app, 'OrderProcessing', {
  description: 'cdk-sfn-workflows example: the order workflow (saga with compensations)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
