import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import * as ts from 'typescript';
import * as api from '../lib';
import { IWorkflowStep, Workflow, WorkflowStepConfig, WorkflowStepContext } from '../lib';
import { newStack } from './helpers';

const ROOT = path.join(__dirname, '..');

/**
 * Every name an entry point exports, values and types alike, read from its source: it may hold
 * only `export { ... } from` and `export type { ... } from` statements, so the names listed
 * there are all it exports.
 */
function exportedNames(entry: string): string[] {
  const source = ts.createSourceFile(entry, readFileSync(entry, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement) => {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
      throw new Error(`${entry} may only list exports by name (export { A } from / export type { B } from), found: ${statement.getText(source)}`);
    }
    return statement.exportClause.elements.map((element) => element.name.text);
  });
}

/** The names an API Extractor report declares as exports, sorted. */
function reportedExports(report: string): string[] {
  const text = readFileSync(report, 'utf8');
  return [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|interface|type|const|function|enum|namespace) ([A-Za-z_$][\w$]*)/gm)].map((match) => match[1]).sort();
}

/** The module files a fresh Node.js process has loaded after requiring `entry` (TypeScript through tsx). */
function modulesLoadedBy(entry: string): string[] {
  const script = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
}

describe('the construct entry point (cdk-sfn-workflows)', () => {
  test('loads no validator, interpreter, JSONata, JSONPath, CLI or SigV4 module until they are used', () => {
    // WHEN
    const loaded = modulesLoadedBy(path.join(ROOT, 'lib', 'index.ts'));
    // THEN
    const heavy = loaded.filter((file) => /node_modules[\\/](asl-validator|ajv|jsonata|jsonpath-plus|commander|@smithy[\\/]signature-v4|@aws-crypto|@aws-sdk|@hpcc-js|@resvg|dejavu-fonts-ttf)[\\/]/.test(file));
    expect(heavy).toEqual([]);
    expect(loaded.some((file) => file.includes(`${path.sep}lib${path.sep}testing${path.sep}`))).toBe(false);
    expect(loaded.some((file) => file.endsWith(path.join('lib', 'workflow', 'workflow.ts')))).toBe(true);
  });

  test('exports at most 45 names, types included, each listed by name and recorded in the API report', () => {
    // WHEN
    const names = exportedNames(path.join(ROOT, 'lib', 'index.ts'));
    const reported = reportedExports(path.join(ROOT, 'api', 'cdk-sfn-workflows.api.md'));
    // THEN
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThanOrEqual(45);
    expect(new Set(names).size).toBe(names.length);
    // every runtime export is one of the listed names, and the report holds exactly the listed names
    expect(names).toEqual(expect.arrayContaining(Object.keys(api)));
    expect(reported).toEqual([...names].sort());
    // and its API uses no type it does not export (API Extractor writes such a type into the report as a warning)
    expect(readFileSync(path.join(ROOT, 'api', 'cdk-sfn-workflows.api.md'), 'utf8')).not.toMatch(/Warning:/);
  });

  test("its API report references no other package than aws-cdk-lib and constructs (the ones that ship jsii assemblies)", () => {
    const report = readFileSync(path.join(ROOT, 'api', 'cdk-sfn-workflows.api.md'), 'utf8');
    const modules = [...report.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.filter((module) => !/^(aws-cdk-lib(\/[a-z0-9-]+)?|constructs)$/.test(module))).toEqual([]);
  });

  test('Workflow knows no step class: it imports none, and asks no state what class it is', () => {
    const source = readFileSync(path.join(ROOT, 'lib', 'workflow', 'workflow.ts'), 'utf8');
    expect(source).not.toMatch(/from '\.\.\/(steps|saga|approval)\//);
    expect(source).not.toMatch(/instanceof (LambdaStep|HumanApproval|Saga|NestedWorkflowStep|PublishEventStep)/);
  });
});

describe('the step protocol', () => {
  /** A user's own step: a Pass state that wants an auditor to read the executions of the workflow it runs in. */
  class AuditedStep extends sfn.Pass implements IWorkflowStep {
    public readonly bound: WorkflowStepContext[] = [];
    constructor(scope: Construct, id: string, private readonly auditor: iam.IGrantable) {
      super(scope, id);
    }

    public bindToWorkflow(context: WorkflowStepContext): WorkflowStepConfig {
      this.bound.push(context);
      context.stateMachine.grantRead(this.auditor);
      return { stateMetadata: { 'acme:audited': { [this.stateId]: true } } };
    }
  }

  test("a user's own step gets its grants and records its facts through the protocol, once, also inside a Parallel", () => {
    // GIVEN
    const stack = newStack();
    const auditor = new iam.Role(stack, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
    const step = new AuditedStep(stack, 'Audit', auditor);
    const parallel = new sfn.Parallel(stack, 'Both').branch(step).branch(new sfn.Pass(stack, 'Other'));
    // WHEN
    const workflow = new Workflow(stack, 'Orders', { definition: parallel, timeout: Duration.minutes(5) });
    // THEN
    expect(step.bound).toHaveLength(1);
    expect(step.bound[0]).toMatchObject({ scope: workflow, stateMachine: workflow.stateMachine, stateMachineType: sfn.StateMachineType.STANDARD });
    const template = Template.fromStack(stack);
    const auditorPolicies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Auditor') }] } }));
    expect(JSON.stringify(auditorPolicies)).toMatch(/"states:ListExecutions".*"Ref":"OrdersStateMachine[0-9A-F]{8}"/);
    template.hasResource('AWS::StepFunctions::StateMachine', { Metadata: { 'acme:audited': { Audit: true } } });
  });
});
