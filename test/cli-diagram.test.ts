import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Command } from 'commander';
import { Saga, Workflow } from '../lib';
import { addDiagramCommand, drawDiagram } from '../lib/cli/diagram-command';
import { inlineStep } from './helpers';

const HISTORIES = path.join(__dirname, 'fixtures', 'history');

/** Runs `cdk-sfn-workflows diagram ...` through the command's own registration (program.ts adds it the same way). */
async function diagramCli(...argv: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  let code = 0;
  const program = new Command().exitOverride().configureOutput({ writeOut: (text) => lines.push(text.trimEnd()), writeErr: (text) => lines.push(text.trimEnd()) });
  addDiagramCommand(program, (text) => lines.push(text), (exitCode) => (code = exitCode));
  try {
    await program.parseAsync(['diagram', ...argv], { from: 'user' });
  } catch (error) {
    code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return { code, output: lines.join('\n') };
}

function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'diagram-cli-'));
}

function writeJson(value: unknown, name = 'workflow.asl.json'): string {
  const file = path.join(scratch(), name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** The definition the catch-to-fallback history ran. */
const FALLBACK = {
  StartAt: 'Charge card',
  States: {
    'Charge card': { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:charge-card', Catch: [{ ErrorEquals: ['PaymentDeclined'], Next: 'Notify customer' }], Next: 'Order cancelled' },
    'Notify customer': { Type: 'Pass', Next: 'Order cancelled' },
    'Order cancelled': { Type: 'Succeed' },
  },
};

let assembly: string;

/** A cloud assembly with two workflows: Shop/Orders (a saga: reserve, undone by release; charge) and Shop/Audit. */
beforeAll(() => {
  assembly = scratch();
  const app = new App({ outdir: assembly });
  const stack = new Stack(app, 'Shop');
  const saga = new Saga(stack, 'OrderSaga', { steps: [{ action: inlineStep(stack, 'Reserve'), compensation: inlineStep(stack, 'Release', { resultPath: '$.release' }) }, { action: inlineStep(stack, 'Charge') }] });
  new Workflow(stack, 'Orders', { definition: saga, timeout: Duration.minutes(5) });
  new Workflow(stack, 'Audit', { definition: new sfn.Succeed(stack, 'Audited'), timeout: Duration.minutes(5) });
  app.synth();
});

describe('cdk-sfn-workflows diagram', () => {
  test('prints Mermaid for an ASL file, titled by the file name', async () => {
    const { code, output } = await diagramCli(writeJson(FALLBACK, 'checkout.asl.json'));
    expect(code).toBe(0);
    expect(output).toMatch(/^---\ntitle: "checkout"\n---\nflowchart TD\n/);
    expect(output).toContain('s0 -.->|"✗ PaymentDeclined"| s');
  });

  test('draws a state machine of a cloud assembly, with the saga compensations the Workflow recorded', async () => {
    const { code, output } = await diagramCli(assembly, '--state-machine', 'Shop/Orders', '--format', 'mermaid');
    expect(code).toBe(0);
    expect(output).toContain('title: "Shop/Orders"');
    expect(output).toMatch(/"↩ Release<br\/>Task<br\/>compensation: undoes Reserve/);
  });

  test('names a state machine by the end of its construct path too', async () => {
    const result = await drawDiagram(assembly, { stateMachine: 'Audit' });
    expect(result.source).toBe('Shop/Audit');
    expect(String(result.content)).toContain('Audited');
  });

  test('writes SVG and PNG files, the format taken from the file name', async () => {
    const directory = scratch();
    const svg = await diagramCli(assembly, '--state-machine', 'Shop/Orders', '--out', path.join(directory, 'orders.svg'));
    const png = await diagramCli(assembly, '--state-machine', 'Shop/Orders', '--out', path.join(directory, 'orders.png'));
    expect(svg).toEqual({ code: 0, output: `Shop/Orders: svg written to ${path.join(directory, 'orders.svg')}` });
    expect(png.code).toBe(0);
    expect(readFileSync(path.join(directory, 'orders.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(path.join(directory, 'orders.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  test('--execution draws a real execution (a GetExecutionHistory response) over the diagram', async () => {
    const { code, output } = await diagramCli(writeJson(FALLBACK), '--execution', path.join(HISTORIES, 'catch-to-fallback.json'), '--format', 'dot');
    expect(code).toBe(0);
    expect(output).toMatch(/SUCCEEDED · 3 states entered · 0 retries/);
    expect(output).toMatch(/s0 -> s\d+ \[color="#1565c0", penwidth=2\.5, style=dashed, label=<✗ PaymentDeclined>/);
  });

  test.each([
    [['missing.asl.json'], /^error: missing\.asl\.json does not exist\.$/],
    [['{ not json'], /^error: .*workflow\.asl\.json is not JSON: expected an ASL definition\.$/],
    [['{"Comment":"no states"}'], /^error: .*workflow\.asl\.json is not an ASL definition: it has no StartAt and States\.$/],
    [['ASSEMBLY'], /^error: .* has 2 state machines: pick one with --state-machine \(Shop\/Orders, Shop\/Audit\)\.$/],
    [['ASSEMBLY', '--state-machine', 'Nope'], /^error: .* has no state machine 'Nope'\. State machines: Shop\/Orders, Shop\/Audit\.$/],
    [['FALLBACK', '--state-machine', 'Orders'], /^error: --state-machine picks a state machine of a cloud assembly; .* holds one definition\.$/],
    [['FALLBACK', '--format', 'png'], /^error: a png is binary: name the file to write with --out FILE\.png\.$/],
    [['FALLBACK', '--format', 'svg', '--out', 'x.png'], /^error: --format svg does not match --out x\.png \(a png file name\): change one of them\.$/],
    [['FALLBACK', '--execution', 'missing.json'], /^error: --execution missing\.json does not exist\.$/],
    [['FALLBACK', '--execution', 'NOT_HISTORY'], /^error: --execution .*: The history has no events: pass the GetExecutionHistory response/],
  ])('fails with exit code 2 and no stack trace: %j', async (args, message) => {
    const argv = args.map((arg) => {
      if (arg === 'ASSEMBLY') return assembly;
      if (arg === 'FALLBACK') return writeJson(FALLBACK);
      if (arg === 'NOT_HISTORY') return writeJson({ events: [] }, 'history.json');
      if (arg.startsWith('{')) return writeJson(arg);
      return arg;
    });
    const { code, output } = await diagramCli(...argv);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/\n\s+at /);
    expect(code).toBe(2);
  });

  test('an unknown format is a usage error', async () => {
    const { code, output } = await diagramCli(writeJson(FALLBACK), '--format', 'jpeg');
    expect(output).toMatch(/option '--format <format>' argument 'jpeg' is invalid\. expected one of mermaid, dot, svg, png\./);
    expect(code).toBe(2);
  });
});
