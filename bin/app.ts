#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addOrderProcessing } from './order-processing-stack';

/** The example CDK app: `cdk synth` / `cdk deploy` read it through cdk.json. */
addOrderProcessing(new App(), { description: 'cdk-sfn-workflows example: the order workflow (saga with compensations)' });
