import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AslDefinition } from '../lib/asl';
import {
  buildDiagramModel, choiceRuleText, escapeMermaidText, renderPng, renderSvg, retrierText, toDot, toMermaid, WorkflowDiagram,
} from '../lib/diagram';
import { errorListText, truncate } from '../lib/diagram/labels';
import { ExecutionResult, LocalRunner, TaskFailure } from '../lib/testing';
import { parseMermaid } from './support/mermaid';

const HISTORIES = path.join(__dirname, 'fixtures', 'history');

/** A definition with every state type, a Choice with a rule and a Default, a Catch and a Retry. */
const EVERY_TYPE: AslDefinition = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ResultPath: null,
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 }],
      Catch: [{ ErrorEquals: ['PaymentDeclined'], Next: 'Declined' }],
      Next: 'Big order?',
    },
    'Big order?': { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThanEquals: 1000, Next: 'Cool off' }], Default: 'Note' },
    'Cool off': { Type: 'Wait', Seconds: 60, Next: 'Note' },
    Note: { Type: 'Pass', Next: 'Done' },
    Done: { Type: 'Succeed' },
    Declined: { Type: 'Fail', Error: 'PaymentDeclined' },
  },
};

/** A Parallel of two branches, then a Map whose item processor has two states. */
const FAN_OUT: AslDefinition = {
  StartAt: 'Notify',
  States: {
    Notify: {
      Type: 'Parallel', Next: 'Each line',
      Branches: [
        { StartAt: 'Email', States: { Email: { Type: 'Pass', End: true } } },
        { StartAt: 'Analytics', States: { Analytics: { Type: 'Pass', End: true } } },
      ],
    },
    'Each line': {
      Type: 'Map', ItemsPath: '$.lines', End: true,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Pick', States: { Pick: { Type: 'Pass', Next: 'Pack' }, Pack: { Type: 'Pass', End: true } } },
    },
  },
};

/** State names that Mermaid's and DOT's syntax would read: quotes, brackets, colons, `#`, `;`, `|`, keywords, HTML, Unicode, a newline. */
const ADVERSARIAL_NAMES = [
  'Charge "VISA" card', 'end', 'subgraph', 'o', 'x', 'graph', 'Check [stock] {now} (v2)', 'Step: 1; then #2 | 3',
  '<b>bold</b> & <script>', 'Zahlung prüfen ✓ 支付 🚀', 'a\\b`c`', 'line\nbreak', '-->', '%%comment', 'classDef', 'style',
];

function chainOf(names: string[]): AslDefinition {
  return {
    StartAt: names[0],
    States: Object.fromEntries(names.map((name, i) => [name, i + 1 < names.length
      ? i % 2
        ? { Type: 'Pass', Next: names[i + 1] }
        : { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: names[i + 1], Catch: [{ ErrorEquals: ['States.ALL'], Next: names[names.length - 1] }] }
      : { Type: 'Succeed' }])),
  } as AslDefinition;
}

describe('diagram model and Mermaid', () => {
  test('every state type has its own shape and class; start and end markers', () => {
    // WHEN
    const mermaid = WorkflowDiagram.fromDefinition(EVERY_TYPE, { title: 'Checkout' }).toMermaid();
    // THEN
    expect(mermaid).toMatch(/^---\ntitle: "Checkout"\n---\nflowchart TD\n/);
    expect(mermaid).toContain('m0(("Start")):::marker');
    expect(mermaid).toContain('m1((("End"))):::marker');
    expect(mermaid).toContain('s0("Charge<br/>Task · lambda:invoke<br/>↻ 3× States.TaskFailed"):::Task');
    expect(mermaid).toContain('s1{{"Big order?<br/>Choice"}}:::Choice');
    expect(mermaid).toContain('s3[/"Cool off<br/>Wait · 60 s"/]:::Wait');
    expect(mermaid).toContain('s4["Note<br/>Pass"]:::Pass');
    expect(mermaid).toContain('s5(["Done<br/>Succeed"]):::Succeed');
    expect(mermaid).toContain('s2[["Declined<br/>Fail"]]:::Fail');
    expect(mermaid).toContain('m0 --> s0');
    expect(mermaid).toContain('s5 --> m1');
  });

  test('Choice rules and Default label their edges; a catch edge is dotted, red and labelled with its errors', () => {
    const mermaid = WorkflowDiagram.fromDefinition(EVERY_TYPE).toMermaid();
    expect(mermaid).toContain('s1 -->|"$.total #62;= 1000"| s3');
    expect(mermaid).toContain('s1 -->|"Default"| s4');
    expect(mermaid).toContain('s0 -.->|"✗ PaymentDeclined"| s2');
    const catchIndex = mermaid.split('\n').filter((line) => / (-->|-\.->|==>)/.test(line)).findIndex((line) => line.includes('-.->'));
    expect(mermaid).toContain(`linkStyle ${catchIndex} stroke:#c62828`);
  });

  test('a Parallel is a subgraph holding a subgraph per branch, a Map a subgraph holding its item processor', () => {
    // WHEN
    const model = buildDiagramModel(FAN_OUT);
    const mermaid = toMermaid(model);
    // THEN
    expect(model.groups.map((g) => [g.kind, g.title, g.parent])).toEqual([
      ['parallel', 'Notify', undefined], ['branch', 'branch 1', 'g0'], ['branch', 'branch 2', 'g0'], ['map', 'Each line', undefined], ['processor', 'for each item', 'g3'],
    ]);
    expect(mermaid).toMatch(/subgraph g0 \["Notify<br\/>Parallel"\]\n {4}direction TB\n {4}subgraph g1 \["branch 1"\]\n {6}direction TB\n {6}s0\["Email<br\/>Pass"\]:::Pass\n {4}end/);
    expect(mermaid).toMatch(/subgraph g3 \["Each line<br\/>Map"\]\n {4}direction TB\n {4}subgraph g4 \["for each item"\]\n {6}direction TB\n {6}s2\["Pick<br\/>Pass"\]:::Pass\n {6}s3\["Pack<br\/>Pass"\]:::Pass\n {4}end\n {2}end/);
    expect(mermaid).toContain('g0 --> g3');
    expect(mermaid).toContain('s2 --> s3');
  });

  test('a Parallel with one branch draws no box for the branch', () => {
    const model = buildDiagramModel({ StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }] } } });
    expect(model.groups.map((g) => [g.kind, g.drawn])).toEqual([['parallel', true], ['branch', false]]);
    expect(toMermaid(model)).not.toContain('branch 1');
    expect(toDot(model)).not.toContain('cluster_g1');
  });

  test('DOT attaches edges to a Parallel or Map at the border of its cluster, through its anchor points', () => {
    const dot = toDot(buildDiagramModel(FAN_OUT));
    expect(dot).toContain('m0 -> g0_in [color="#555555", penwidth=1.2, lhead=cluster_g0];');
    expect(dot).toContain('g0_out -> g3_in [color="#555555", penwidth=1.2, ltail=cluster_g0, lhead=cluster_g3];');
    expect(dot).toContain('g0_in -> s0 [color="#9e9e9e", penwidth=1.2, arrowsize=0.5];');
    expect(dot).toContain('s0 -> g0_out [color="#9e9e9e", penwidth=1.2, arrowsize=0.5];');
  });

  test.each([
    [{ Variable: '$.total', NumericGreaterThanEquals: 1000 }, '$.total >= 1000'],
    [{ Variable: '$.status', StringEquals: 'PAID' }, '$.status == "PAID"'],
    [{ Variable: '$.vip', BooleanEquals: true }, '$.vip == true'],
    [{ Variable: '$.a', NumericLessThanPath: '$.b' }, '$.a < $.b'],
    [{ Variable: '$.at', TimestampGreaterThan: '2026-01-01T00:00:00Z' }, '$.at > "2026-01-01T00:00:00Z"'],
    [{ Variable: '$.x', IsPresent: false }, '$.x is absent'],
    [{ Variable: '$.x', IsNull: true }, '$.x is null'],
    [{ Variable: '$.x', IsNumeric: false }, '$.x is not numeric'],
    [{ Variable: '$.name', StringMatches: 'log-*.txt' }, '$.name matches "log-*.txt"'],
    [{ Not: { Variable: '$.a', NumericEquals: 1 } }, 'not ($.a == 1)'],
    [{ And: [{ Variable: '$.a', NumericGreaterThan: 1 }, { Or: [{ Variable: '$.b', StringLessThan: 'm' }, { Variable: '$.c', IsString: true }] }] }, '($.a > 1) and (($.b < "m") or ($.c is a string))'],
    [{ Condition: '{% $states.input.total >= 1000 %}' }, '$states.input.total >= 1000'],
    [{ Variable: '$.x', Unknown: 1 }, '{"Variable":"$.x","Unknown":1}'],
  ])('the Choice rule %j reads %s', (rule, text) => {
    expect(choiceRuleText(rule)).toBe(text);
  });

  test('retriers read as attempts and errors, long error lists shortened by namespace', () => {
    expect(retrierText({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 })).toBe('↻ 3× States.TaskFailed');
    expect(retrierText({ ErrorEquals: ['States.ALL'] })).toBe('↻ 3× States.ALL');
    expect(retrierText({ ErrorEquals: ['A', 'B'], MaxAttempts: 0 })).toBe('↻ 0× A, B');
    expect(errorListText(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'PaymentProviderUnavailable'])).toBe('PaymentProviderUnavailable + 3 Lambda errors');
    expect(errorListText(['Lambda.ServiceException', 'States.Timeout', 'Custom'])).toBe('Custom + Lambda.ServiceException + States.Timeout');
    expect(truncate('x'.repeat(70))).toHaveLength(60);
    expect(truncate('x'.repeat(60))).toBe('x'.repeat(60));
  });

  test('escapeMermaidText writes what Mermaid would read as entity codes and keeps Unicode', () => {
    expect(escapeMermaidText('a "b" #1; <c> & `d` | e\\f')).toBe('a #34;b#34; #35;1#59; #60;c#62; #38; #96;d#96; #124; e#92;f');
    expect(escapeMermaidText('Zahlung prüfen ✓ 支付')).toBe('Zahlung prüfen ✓ 支付');
    expect(escapeMermaidText('a\nb')).toBe('a#10;b');
  });

  test('adversarial state names: Mermaid\'s own parser accepts every diagram, ids are generated, DOT renders', async () => {
    // GIVEN a chain of states named to break the syntax, each with a catcher, as a plain diagram and with a run over it
    const definition = chainOf(ADVERSARIAL_NAMES);
    const diagram = WorkflowDiagram.fromDefinition(definition, { title: 'Title "with" #quotes: [and] brackets' });
    const runner = LocalRunner.fromDefinition(definition, { tasks: { 'arn:aws:states:::lambda:invoke': () => ({}) } });
    const run = await runner.stateMachine().run({});
    const texts = [diagram.toMermaid(), diagram.withRun(run).toMermaid()];
    // WHEN
    const parsed = parseMermaid(texts);
    const svg = await diagram.withRun(run).toSvg();
    // THEN
    expect(run.status).toBe('SUCCEEDED');
    expect(parsed).toEqual([{ ok: true }, { ok: true }]);
    expect(diagram.model.nodes.filter((node) => node.kind === 'state').map((node) => node.id)).toEqual(ADVERSARIAL_NAMES.map((_, i) => `s${i}`));
    for (const text of texts) {
      expect(text).not.toContain('"VISA"');
      expect(text).not.toContain('<script>');
      expect(text).toContain('Charge #34;VISA#34; card');
      expect(text).toContain('Zahlung prüfen ✓ 支付 🚀');
    }
    expect(svg).toContain('Charge &quot;VISA&quot; card');
    expect(svg).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;');
    expect(svg).not.toContain('<script>');
  });

  test('the parser check itself rejects a label with a bare quote (so the test above can fail)', () => {
    expect(parseMermaid(['flowchart TD\n  s0["a" b"] --> s1', 'flowchart TD\n  s0["a"] -->|"x"y"| s1'])).toEqual([expect.objectContaining({ ok: false }), expect.objectContaining({ ok: false })]);
  });
});

describe('sagas and approvals', () => {
  /** The ASL a Saga generates for reserve (undo: release) → charge (undo: refund) → ship. */
  const SAGA: AslDefinition = {
    StartAt: 'Reserve',
    States: {
      Reserve: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Charge', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Saga Reserve failed', ResultPath: '$.sagaError' }] },
      Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Ship', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Saga Charge failed', ResultPath: '$.sagaError' }] },
      Ship: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Saga Ship failed', ResultPath: '$.sagaError' }] },
      'Saga Reserve failed': { Type: 'Pass', Next: 'Saga compensation check' },
      'Saga Charge failed': { Type: 'Pass', Next: 'Release' },
      'Saga Ship failed': { Type: 'Pass', Next: 'Refund' },
      Refund: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Release', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Release', ResultPath: '$.sagaError.compensationErrors.Refund' }] },
      Release: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Saga compensation check', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Saga compensation check', ResultPath: '$.sagaError.compensationErrors.Release' }] },
      'Saga compensation check': { Type: 'Choice', Choices: [{ Variable: '$.sagaError.compensationErrors.Release', IsPresent: true, Next: 'Saga CompensationFailed' }], Default: 'Saga failed' },
      'Saga failed': { Type: 'Fail', ErrorPath: '$.sagaError.Error' },
      'Saga CompensationFailed': { Type: 'Fail', Error: 'CompensationFailed' },
    },
  };

  test('in a JSONata saga, compensations are recognised by the catch that merges their error into the record variable', () => {
    // GIVEN the JSONata form of SAGA: catchers keep the input and assign the record (no ResultPath)
    const record = (step: string) => `{% $merge([$sagaError, {"compensationErrors": $merge([$sagaError.compensationErrors, {"${step}": $states.errorOutput}])}]) %}`;
    const states: any = JSON.parse(JSON.stringify(SAGA.States));
    for (const state of Object.values<any>(states)) {
      for (const catcher of state.Catch ?? []) {
        const step = /compensationErrors\.(\w+)$/.exec(catcher.ResultPath ?? '')?.[1];
        catcher.Output = '{% $states.input %}';
        catcher.Assign = { sagaError: step ? record(step) : '{% $states.errorOutput %}' };
        delete catcher.ResultPath;
      }
    }
    // WHEN
    const model = buildDiagramModel({ QueryLanguage: 'JSONata', StartAt: 'Reserve', States: states });
    // THEN
    const roles = Object.fromEntries(model.nodes.filter((n) => n.stateName).map((n) => [n.stateName, n.role]));
    expect(roles).toMatchObject({ Reserve: 'step', Ship: 'step', Refund: 'compensation', Release: 'compensation', 'Saga Ship failed': 'undo', 'Saga failed': 'undo' });
  });

  test('compensations are recognised from the ASL a Saga generates; the undo path is thick and orange', () => {
    // WHEN
    const model = buildDiagramModel(SAGA);
    const mermaid = toMermaid(model);
    // THEN
    const roles = Object.fromEntries(model.nodes.filter((n) => n.stateName).map((n) => [n.stateName, n.role]));
    expect(roles).toMatchObject({ Reserve: 'step', Charge: 'step', Ship: 'step', Refund: 'compensation', Release: 'compensation', 'Saga Reserve failed': 'undo', 'Saga Charge failed': 'undo', 'Saga Ship failed': 'undo', 'Saga compensation check': 'undo', 'Saga failed': 'undo' });
    const refund = model.nodes.find((n) => n.stateName === 'Refund')!;
    expect(refund.title).toBe('↩ Refund');
    expect(refund.notes).toContain('compensation');
    const undoEdge = model.edges.find((e) => e.from === refund.id && e.kind === 'next')!;
    expect(undoEdge.undo).toBe(true);
    expect(model.edges.find((e) => e.from === model.stateElements.get('Ship') && e.kind === 'catch')!.undo).toBe(false);
    expect(mermaid).toMatch(new RegExp(`${refund.id} ==> ${model.stateElements.get('Release')}`));
    expect(mermaid).toContain(`${refund.id}("↩ Refund<br/>Task · lambda:invoke<br/>compensation"):::compensation`);
  });

  test('the metadata Workflow records names what each compensation undoes', () => {
    const model = buildDiagramModel(SAGA, { sagaCompensations: { Refund: 'Charge', Release: 'Reserve' } });
    expect(model.nodes.find((n) => n.stateName === 'Refund')!.notes).toContain('compensation: undoes Charge');
    expect(model.nodes.find((n) => n.stateName === 'Release')!.notes).toContain('compensation: undoes Reserve');
  });

  test('a definition without compensations has no undo path', () => {
    const model = buildDiagramModel(EVERY_TYPE);
    expect(model.nodes.every((n) => n.role === 'step')).toBe(true);
    expect(model.edges.every((e) => !e.undo)).toBe(true);
  });

  /** The ASL HumanApproval generates (conditional), with catchers for rejection and expiry. */
  const APPROVAL: AslDefinition = {
    StartAt: 'Review',
    States: {
      Review: {
        Type: 'Parallel', Next: 'Ship',
        Catch: [{ ErrorEquals: ['ApprovalRejected'], Next: 'Cancel' }, { ErrorEquals: ['ApprovalExpired'], Next: 'Escalate' }],
        Branches: [{
          StartAt: 'Review: required?',
          States: {
            'Review: required?': { Type: 'Choice', Choices: [{ Variable: '$.flagged', BooleanEquals: true, Next: 'Review: wait for decision' }], Default: 'Review: not required' },
            'Review: not required': { Type: 'Pass', Result: { decision: 'NOT_REQUIRED' }, End: true },
            'Review: wait for decision': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 3600, End: true, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Review: expired' }] },
            'Review: expired': { Type: 'Fail', Error: 'ApprovalExpired', Cause: 'No decision within 1 hour.' },
          },
        }],
      },
      Ship: { Type: 'Succeed' },
      Cancel: { Type: 'Succeed' },
      Escalate: { Type: 'Succeed' },
    },
  };

  test('a human approval shows approved, rejected and expired', () => {
    // WHEN
    const model = buildDiagramModel(APPROVAL);
    const mermaid = toMermaid(model);
    // THEN
    const review = model.groups.find((g) => g.stateName === 'Review')!;
    expect(review.approval).toBe(true);
    expect(review.notes).toEqual(['Parallel · human approval']);
    const wait = model.nodes.find((n) => n.stateName === 'Review: wait for decision')!;
    expect(wait.role).toBe('approval-wait');
    expect(model.nodes.find((n) => n.stateName === 'Review: expired')!.role).toBe('approval-expired');
    const rejected = model.nodes.find((n) => n.kind === 'outcome')!;
    expect(rejected).toMatchObject({ title: '✗ rejected', error: 'ApprovalRejected', group: wait.group });
    expect(mermaid).toContain(`${wait.id} -.->|"rejected"| ${rejected.id}`);
    expect(mermaid).toContain(`${wait.id} -.->|"✗ States.Timeout: expired"| ${model.stateElements.get('Review: expired')}`);
    expect(mermaid).toContain(`g0 -->|"approved or not required"| ${model.stateElements.get('Ship')}`);
    expect(mermaid).toContain(`g0 -.->|"✗ rejected"| ${model.stateElements.get('Cancel')}`);
    expect(mermaid).toContain(`g0 -.->|"✗ expired"| ${model.stateElements.get('Escalate')}`);
    expect(toDot(model)).toContain(`${wait.id} -> g0_out [color="#9e9e9e", penwidth=1.2, arrowsize=0.5, label=<approved>`);
  });

  test('an approval inside a saga: its catch-all reads as rejected or expired', () => {
    const inSaga = { ...APPROVAL, States: { ...APPROVAL.States, Review: { ...APPROVAL.States.Review, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Cancel', ResultPath: '$.sagaError' }] } } };
    expect(toMermaid(buildDiagramModel(inSaga))).toContain('g0 -.->|"✗ States.ALL: rejected, expired"|');
  });
});

describe('rendering', () => {
  test('DOT renders to SVG in-process, and SVG to PNG, without a browser', async () => {
    // WHEN
    const svg = await WorkflowDiagram.fromDefinition(FAN_OUT, { title: 'Fan out' }).toSvg();
    const png = Buffer.from(await renderPng(svg, { scale: 2 }));
    // THEN
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg width="\d+pt" height="\d+pt"/);
    expect(svg).toContain('<title>cluster_g0</title>');
    expect(svg).toContain('>Each line</text>');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // resvg reads Graphviz's points as CSS units (1 pt = 4/3 px), then applies the scale
    const widthPixels = (Number(/<svg width="(\d+)pt"/.exec(svg)![1]) * 4) / 3;
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(Math.floor(2 * widthPixels) - 2);
    expect(png.readUInt32BE(16)).toBeLessThanOrEqual(Math.ceil(2 * widthPixels) + 2);
  });

  test('fails with Graphviz\'s message on DOT that does not parse, and on a bad PNG scale', async () => {
    await expect(renderSvg('digraph { a -> }')).rejects.toThrow(/syntax error/);
    await expect(renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { scale: 0 })).rejects.toThrow(/scale must be a positive number \(got 0\)/);
  });

  test('fromDefinition refuses text that is not JSON and JSON that is not ASL', () => {
    expect(() => WorkflowDiagram.fromDefinition('{ not json')).toThrow(/The definition is not JSON/);
    expect(() => WorkflowDiagram.fromDefinition('{"StartAt":"A"}')).toThrow(/has no States/);
  });
});

describe('run diagrams', () => {
  const FALLBACK: AslDefinition = {
    StartAt: 'Charge card',
    States: {
      'Charge card': { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:charge-card', Catch: [{ ErrorEquals: ['CardExpired'], Next: 'Order cancelled' }, { ErrorEquals: ['PaymentDeclined'], Next: 'Notify customer' }], Next: 'Ship' },
      'Notify customer': { Type: 'Pass', Next: 'Order cancelled' },
      Ship: { Type: 'Pass', End: true },
      'Order cancelled': { Type: 'Succeed' },
    },
  };

  test('from a GetExecutionHistory response in AWS\'s format: the catch taken (with its catcher), steps, errors, the rest dimmed', () => {
    // GIVEN a recorded history (epoch-second timestamps, as the AWS CLI writes them)
    const history = JSON.parse(readFileSync(path.join(HISTORIES, 'catch-to-fallback.json'), 'utf8'));
    const result = ExecutionResult.fromHistory(history, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Orders:o-1002' });
    const diagram = WorkflowDiagram.fromDefinition(FALLBACK, { title: 'Orders' });
    // WHEN
    const trace = diagram.trace(result);
    const run = diagram.withRun(result);
    const dot = run.toDot();
    const mermaid = run.toMermaid();
    // THEN
    expect(trace.transitions.map((t) => [t.from, t.to, t.kind, t.index, t.error])).toEqual([
      ['Charge card', 'Notify customer', 'catch', 1, 'PaymentDeclined'],
      ['Notify customer', 'Order cancelled', 'next', undefined, undefined],
    ]);
    expect(trace.steps.map((s) => [s.number, s.stateName, s.outcome])).toEqual([[1, 'Charge card', 'caught'], [2, 'Notify customer', 'succeeded'], [3, 'Order cancelled', 'succeeded']]);
    expect(trace.steps[0].exitedAt!.getTime() - trace.steps[0].enteredAt.getTime()).toBe(Math.round((history.events[5].timestamp - history.events[1].timestamp) * 1000));
    expect(run.overlay!.subtitle).toMatch(/^o-1002 · SUCCEEDED · 3 states entered · 0 retries · \d+ ms$/);
    const charge = diagram.model.stateElements.get('Charge card')!;
    expect(run.overlay!.elements.get(charge)).toMatchObject({ status: 'caught', badge: '1', notes: ['✗ PaymentDeclined (caught)', expect.stringMatching(/^\d+ ms$/)] });
    expect(run.overlay!.elements.get(diagram.model.stateElements.get('Ship')!)).toEqual({ status: 'untaken' });
    expect(dot).toMatch(new RegExp(`${charge} -> s\\d+ \\[color="#1565c0", penwidth=2.5, style=dashed, label=<✗ PaymentDeclined>`));
    expect(dot).toMatch(new RegExp(`${charge} -> s\\d+ \\[color="#d6d6d6", penwidth=1, style=dashed, label=<✗ CardExpired>`));
    expect(mermaid).toContain(`style ${charge} stroke:#e65100,stroke-width:3px,fill:#ffe0b2`);
    expect(mermaid).toContain('(1) Charge card');
  });

  test('retries are counted on their state with their errors, and the retrier that fired is found', () => {
    // GIVEN the Developer Guide's example history: a Lambda task retried twice, then an SQS task
    const history = JSON.parse(readFileSync(path.join(HISTORIES, 'lambda-retry-then-success.json'), 'utf8'));
    const definition: AslDefinition = {
      StartAt: 'LambdaState',
      States: {
        LambdaState: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }, { ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], Next: 'SQSState' },
        SQSState: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true },
      },
    };
    // WHEN
    const diagram = WorkflowDiagram.fromDefinition(definition);
    const trace = diagram.trace(ExecutionResult.fromHistory(history));
    const mark = diagram.withRun(ExecutionResult.fromHistory(history), { durations: false }).overlay!.elements.get('s0');
    // THEN
    expect(trace.steps[0].retries).toEqual([{ error: 'Lambda.ResourceNotReadyException', retrier: 1 }, { error: 'Lambda.TooManyRequestsException', retrier: 1 }]);
    expect(mark).toEqual({ status: 'taken', badge: '1', notes: ['↻ 2 retries: Lambda.ResourceNotReadyException, Lambda.TooMa…'] });
  });

  test('a failed execution marks the state that failed, and the execution\'s error', () => {
    const history = JSON.parse(readFileSync(path.join(HISTORIES, 'failed-execution.json'), 'utf8'));
    const definition: AslDefinition = {
      StartAt: 'Validate order',
      States: { 'Validate order': { Type: 'Pass', Next: 'Charge card' }, 'Charge card': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }], End: true } },
    };
    const run = WorkflowDiagram.fromDefinition(definition).withRun(ExecutionResult.fromHistory(history), { durations: false });
    expect(run.overlay!.subtitle).toBe('FAILED: CardExpired · 2 states entered · 1 retry');
    expect(run.overlay!.elements.get('s1')).toEqual({ status: 'failed', badge: '2', notes: ['↻ 1 retry: Lambda.ServiceException', '✗ CardExpired'] });
    expect(run.overlay!.elements.get('m1')).toEqual({ status: 'untaken' });
    expect(run.toDot()).toMatch(/s1 \[shape=box, style="rounded,filled", fillcolor="#ffcdd2", color="#b71c1c", penwidth=3.5/);
  });

  test('a Map\'s item states are badged with their step numbers and how often they ran', () => {
    const history = JSON.parse(readFileSync(path.join(HISTORIES, 'map-three-iterations.json'), 'utf8'));
    const definition: AslDefinition = {
      StartAt: 'Pack items',
      States: {
        'Pack items': { Type: 'Map', ItemsPath: '$.items', Next: 'Ship order', ItemProcessor: { StartAt: 'Pack item', States: { 'Pack item': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } } },
        'Ship order': { Type: 'Pass', End: true },
      },
    };
    const run = WorkflowDiagram.fromDefinition(definition).withRun(ExecutionResult.fromHistory(history), { durations: false });
    expect(run.overlay!.elements.get('s0')).toEqual({ status: 'taken', badge: '2, 3, 4', notes: ['↻ 1 retry: Lambda.ServiceException'] });
    expect(run.overlay!.elements.get('g0')).toEqual({ status: 'taken', badge: '1', notes: [] });
  });

  test('a state entered more than three times is badged with its first step numbers and the count', async () => {
    const definition: AslDefinition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } } } },
    };
    const result = await LocalRunner.fromDefinition(definition).stateMachine().run([1, 2, 3, 4, 5]);
    const mark = WorkflowDiagram.fromDefinition(definition).withRun(result, { durations: false }).overlay!.elements.get('s0');
    expect(mark).toEqual({ status: 'taken', badge: '2, 3, … ×5', notes: [] });
  });

  test('when two Choice rules lead to the same state, the rule that matched the input is found', async () => {
    // GIVEN rules 0 and 1 both lead to Review; the input matches only rule 1
    const definition: AslDefinition = {
      StartAt: 'Route',
      States: {
        Route: { Type: 'Choice', InputPath: '$.order', Choices: [{ Variable: '$.total', NumericGreaterThan: 1000, Next: 'Review' }, { Variable: '$.country', StringEquals: 'AQ', Next: 'Review' }], Default: 'Review' },
        Review: { Type: 'Succeed' },
      },
    };
    const machine = LocalRunner.fromDefinition(definition).stateMachine();
    const diagram = WorkflowDiagram.fromDefinition(definition);
    // WHEN
    const byRule1 = diagram.trace(await machine.run({ order: { total: 5, country: 'AQ' } }));
    const byDefault = diagram.trace(await machine.run({ order: { total: 5, country: 'FR' } }));
    const byRule0 = diagram.trace(await machine.run({ order: { total: 5000, country: 'AQ' } }));
    // THEN
    expect(byRule1.transitions.map((t) => [t.kind, t.index])).toEqual([['choice', 1]]);
    expect(byDefault.transitions.map((t) => [t.kind, t.index])).toEqual([['default', undefined]]);
    expect(byRule0.transitions.map((t) => [t.kind, t.index])).toEqual([['choice', 0]]);
  });

  test('when two catchers lead to the same state, the one whose errors match is found', async () => {
    const definition: AslDefinition = {
      StartAt: 'Ship',
      States: {
        Ship: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Catch: [{ ErrorEquals: ['NoCarrier'], Next: 'Refund' }, { ErrorEquals: ['States.ALL'], Next: 'Refund' }] },
        Refund: { Type: 'Pass', End: true },
      },
    };
    const machine = LocalRunner.fromDefinition(definition).stateMachine();
    const diagram = WorkflowDiagram.fromDefinition(definition);
    const noCarrier = diagram.trace(await machine.run({}, { tasks: { Ship: () => { throw new TaskFailure('NoCarrier', 'x'); } } }));
    const other = diagram.trace(await machine.run({}, { tasks: { Ship: () => { throw new TaskFailure('Lost', 'x'); } } }));
    expect(noCarrier.transitions.map((t) => [t.kind, t.index, t.error])).toEqual([['catch', 0, 'NoCarrier']]);
    expect(other.transitions.map((t) => [t.kind, t.index, t.error])).toEqual([['catch', 1, 'Lost']]);
  });

  test('a local run: retries with virtual-time durations, the retrier fired, a caught error', async () => {
    const definition: AslDefinition = {
      StartAt: 'Charge',
      States: {
        Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 30, MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }], End: true },
        Refund: { Type: 'Pass', End: true },
      },
    };
    let calls = 0;
    const result = await LocalRunner.fromDefinition(definition, { tasks: { Charge: () => { calls++; throw new TaskFailure(calls < 3 ? 'Busy' : 'Declined', 'no'); } } }).stateMachine().run({});
    const run = WorkflowDiagram.fromDefinition(definition).withRun(result);
    expect(run.overlay!.elements.get('s0')).toMatchObject({ status: 'caught', notes: ['↻ 2 retries: Busy', '✗ Declined (caught)', expect.stringMatching(/^1\.\d min$/)] });
  });
});
