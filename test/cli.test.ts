import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Workflow } from '../lib';
import { inlineStep } from './helpers';
import { cli } from './support/cli';

const FIXTURES = path.join(__dirname, 'fixtures', 'asl');

function writeDefinition(definition: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lint-')), 'workflow.asl.json');
  writeFileSync(file, JSON.stringify(definition));
  return file;
}

const assemblies = new Map<boolean, string>();

/** A cloud assembly with one STANDARD workflow whose Choice has no Default (a warning), acknowledged or not; synthesized once each. */
function assemblyWithChoice(acknowledge: boolean): string {
  if (!assemblies.has(acknowledge)) assemblies.set(acknowledge, synthAssemblyWithChoice(acknowledge));
  return assemblies.get(acknowledge)!;
}

function synthAssemblyWithChoice(acknowledge: boolean): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'assembly-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Shop');
  const choice = new sfn.Choice(stack, 'Route').when(sfn.Condition.isPresent('$.vip'), inlineStep(stack, 'Vip'));
  const workflow = new Workflow(stack, 'Orders', { definition: choice, timeout: Duration.minutes(5) });
  if (acknowledge) Validations.of(workflow).acknowledge({ id: 'Workflow-ChoiceDefault', reason: 'every order has the vip flag set by checkout' });
  app.synth();
  return outdir;
}

describe('cdk-sfn-workflows lint', () => {
  test.each(readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.asl.json')))('finds no errors in the real-world definition %s', async (file) => {
    const type = path.basename(file).startsWith('express-') ? 'EXPRESS' : 'STANDARD';
    const { code, output } = await cli('lint', path.join(FIXTURES, file), '--type', type, '--json');
    const [result] = JSON.parse(output);
    const warnings = result.findings.filter((f: any) => f.severity === 'warning');
    console.log(`lint ${file} (${type}): 0 errors, ${warnings.length} warnings: ${[...new Set(warnings.map((f: any) => f.ruleId))].join(', ')}`);
    expect(result.findings.filter((f: any) => f.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });

  test('exits 1 and names the state and the fix when a definition has an error', async () => {
    const file = writeDefinition({ StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 600, End: true } } });
    const { code, output } = await cli('lint', file, '--type', 'express');
    expect(code).toBe(1);
    expect(output).toMatch(/error\s+Workflow-ExpressIntegrationPattern \[Wait\]: Task 'Wait' waits for a task token .* Use STANDARD, or move the callback into a STANDARD parent/);
    expect(output).toMatch(/error\s+Workflow-ExpressDuration \[Wait\]/);
    expect(output).toMatch(/1 state machine: 2 errors, \d+ warnings?$/);
  });

  test('--ignore leaves rules out', async () => {
    const file = writeDefinition({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } });
    expect((await cli('lint', file)).output).toContain('Workflow-TaskTimeout');
    const { output } = await cli('lint', file, '--ignore', 'Workflow-TaskTimeout');
    expect(output).not.toContain('Workflow-TaskTimeout');
    expect(output).toContain('(1 acknowledged)');
  });

  test('reads every state machine of a cloud assembly and honours acknowledgements recorded in it', async () => {
    const plain = await cli('lint', assemblyWithChoice(false));
    expect(plain.output).toMatch(/Shop\/Orders \(STANDARD\)\n\s+warning Workflow-ChoiceDefault \[Route\]/);
    const acknowledged = await cli('lint', assemblyWithChoice(true));
    expect(acknowledged.output).not.toContain('Workflow-ChoiceDefault');
    expect(acknowledged.output).toContain('(1 acknowledged)');
    expect(acknowledged.code).toBe(0);
  });

  test('fails clearly on a path that does not exist, and reports a file that is not JSON as a finding with its place', async () => {
    expect(await cli('lint', '/nonexistent/file.json')).toEqual({ code: 1, output: 'error: /nonexistent/file.json does not exist.' });
    const notJson = path.join(mkdtempSync(path.join(tmpdir(), 'lint-')), 'x.json');
    writeFileSync(notJson, 'StartAt: A');
    const { code, output } = await cli('lint', notJson);
    expect(code).toBe(1);
    expect(output).toMatch(/error {3}Workflow-DefinitionJson at line 1, column 1: The file is not valid JSON: Unexpected token/);
  });

  test('--ignore cannot hide a file that could not be read', async () => {
    const notJson = path.join(mkdtempSync(path.join(tmpdir(), 'lint-')), 'x.json');
    writeFileSync(notJson, '{');
    const { code, output } = await cli('lint', notJson, '--ignore', 'Workflow-DefinitionJson');
    expect(code).toBe(1);
    expect(output).toContain('Workflow-DefinitionJson at line 1, column 2');
  });

  test('prints where a finding is: the state, and the path inside the definition', async () => {
    const file = writeDefinition({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', TimeoutSeconds: 'soon', End: true } } });
    const { output } = await cli('lint', file);
    expect(output).toContain("error   Workflow-AslSchema [Work] at /States/Work/TimeoutSeconds: SCHEMA_VALIDATION_FAILED: TimeoutSeconds must be a positive integer, not 'soon'.");
  });
});

describe('cdk-sfn-workflows cost', () => {
  test('prints, per state machine, the transition range and both prices with their assumptions', async () => {
    const { code, output } = await cli('cost', assemblyWithChoice(false), '--executions', '1000', '--duration', '0.5');
    expect(code).toBe(0);
    // Route → Vip: 2 transitions × 1,000 × $0.000025 = $0.05;
    // Express: 1,000 × $0.000001 + 1,000 × 0.5 s × 0.0625 GB × $0.00001667 = $0.0015
    expect(output).toMatch(/Shop\/Orders\s+STANDARD\s+2 \(5 with retries\)\s+\$0\.0500\s+\$0\.0015\s+yes/);
    expect(output).toContain('Prices for 1,000 executions, us-east-1 list prices as of 2026-11');
  });

  test('rejects a bad number', async () => {
    const { code, output } = await cli('cost', 'cdk.out', '--executions', 'many');
    expect(code).toBe(1);
    expect(output).toMatch(/expected a positive number/);
  });
});
