import { AslDefinition } from '../asl/definition';
import type { SynthesizedStateMachine } from '../assembly/stack-resources';
import type { ExecutionResult } from '../testing/execution-result';
import type { LocalStateMachine } from '../testing/local-state-machine';
import { buildDiagramModel, DiagramModelOptions } from './build-model';
import { coverageOverlay, CoverageCounts } from './coverage-overlay';
import { toDot } from './dot';
import { ExecutionTrace, traceExecution } from './execution-trace';
import { toMermaid } from './mermaid';
import { DiagramModel } from './model';
import { DiagramOverlay } from './overlay';
import { PngOptions, renderPng } from './render-png';
import { renderSvg } from './render-svg';
import { runOverlay, RunOverlayOptions } from './run-overlay';

/** The formats a diagram is written in. */
export type DiagramFormat = 'mermaid' | 'dot' | 'svg' | 'png';

/**
 * A diagram of a state machine, optionally with one execution's path or a test suite's
 * coverage drawn over it, as Mermaid text, Graphviz DOT, SVG or PNG. Immutable: `withRun` and
 * `withCoverage` return a new diagram.
 *
 * ```ts
 * const diagram = WorkflowDiagram.fromLocalStateMachine(runner.stateMachine('OrderWorkflow'));
 * writeFileSync('order.mmd', diagram.toMermaid());
 * writeFileSync('ORD-1007.svg', await diagram.withRun(result).toSvg());
 * ```
 */
export class WorkflowDiagram {
  /**
   * The diagram of an ASL definition (parsed, or JSON text).
   *
   * @throws Error if the text is not JSON, or the definition has no `States`.
   */
  public static fromDefinition(definition: AslDefinition | string, options: DiagramModelOptions = {}): WorkflowDiagram {
    const parsed = typeof definition === 'string' ? parseDefinition(definition) : definition;
    if (!parsed || typeof parsed.States !== 'object' || parsed.States === null) {
      throw new Error('The definition has no States: pass an Amazon States Language definition ({ "StartAt": ..., "States": { ... } }).');
    }
    return new WorkflowDiagram(parsed, buildDiagramModel(parsed, options));
  }

  /** The diagram of a state machine read from a cloud assembly, titled with its construct path, its saga compensations from the metadata `Workflow` records. */
  public static fromSynthesized(machine: SynthesizedStateMachine): WorkflowDiagram {
    const title = (machine.constructPath ?? `${machine.stack.displayName}/${machine.logicalId}`).replace(/\/StateMachine$/, '');
    return WorkflowDiagram.fromDefinition(machine.definition, { title, sagaCompensations: machine.sagaCompensations });
  }

  /** The diagram of a `LocalRunner` state machine (from a cloud assembly, or a plain definition titled with its name). */
  public static fromLocalStateMachine(machine: LocalStateMachine): WorkflowDiagram {
    return machine.synthesized ? WorkflowDiagram.fromSynthesized(machine.synthesized) : WorkflowDiagram.fromDefinition(machine.definition, { title: machine.name });
  }

  private constructor(
    /** The definition drawn. */
    public readonly definition: AslDefinition,
    /** The nodes, groups and edges, before rendering. */
    public readonly model: DiagramModel,
    /** The run or coverage drawn over the diagram, if any. */
    public readonly overlay?: DiagramOverlay,
  ) {}

  /**
   * The same diagram with one execution's path drawn over it: the states entered with their
   * step numbers, retries, errors (caught or not) and durations; the transitions taken; the
   * rest dimmed. The execution may be local, or `ExecutionResult.fromHistory(...)` of a real
   * `GetExecutionHistory` response.
   */
  public withRun(result: ExecutionResult, options: RunOverlayOptions = {}): WorkflowDiagram {
    return this.withOverlay(runOverlay(this.model, this.trace(result), { executionName: executionNameOf(result), ...options }));
  }

  /** The same diagram with coverage drawn over it: states and transitions covered (with counts) or not. */
  public withCoverage(counts: CoverageCounts, subtitle: string): WorkflowDiagram {
    return this.withOverlay(coverageOverlay(this.model, counts, subtitle));
  }

  /** The same diagram with any overlay drawn over it (replacing the current one). */
  public withOverlay(overlay: DiagramOverlay): WorkflowDiagram {
    return new WorkflowDiagram(this.definition, this.model, overlay);
  }

  /** What an execution of this state machine did, state by state (see {@link traceExecution}). */
  public trace(result: ExecutionResult): ExecutionTrace {
    return traceExecution(result, this.definition);
  }

  /** Mermaid flowchart text (see {@link toMermaid}). */
  public toMermaid(): string {
    return toMermaid(this.model, this.overlay);
  }

  /** Graphviz DOT source (see {@link toDot}). */
  public toDot(): string {
    return toDot(this.model, this.overlay);
  }

  /** SVG, drawn in-process by Graphviz as WebAssembly (see {@link renderSvg}). */
  public async toSvg(): Promise<string> {
    return renderSvg(this.toDot());
  }

  /** PNG, the SVG rasterized in-process by resvg as WebAssembly (see {@link renderPng}). */
  public async toPng(options: PngOptions = {}): Promise<Uint8Array> {
    return renderPng(await this.toSvg(), options);
  }

  /** The diagram in one format: text for `mermaid`, `dot` and `svg`, bytes for `png`. */
  public async render(format: DiagramFormat, options: PngOptions = {}): Promise<string | Uint8Array> {
    switch (format) {
      case 'mermaid':
        return this.toMermaid();
      case 'dot':
        return this.toDot();
      case 'svg':
        return this.toSvg();
      case 'png':
        return this.toPng(options);
      default:
        throw new Error(`Unknown diagram format '${String(format)}': use mermaid, dot, svg or png.`);
    }
  }
}

function parseDefinition(text: string): AslDefinition {
  try {
    return JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new Error(`The definition is not JSON: ${(error as Error).message}`);
  }
}

/** The last part of the execution ARN (its name), or undefined for a history without one. */
function executionNameOf(result: ExecutionResult): string | undefined {
  const name = result.executionArn.split(':').pop();
  return name ? name : undefined;
}
