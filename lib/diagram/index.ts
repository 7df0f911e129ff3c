/**
 * Diagrams of state machines and of their executions (`cdk-sfn-workflows/diagram`): Mermaid
 * text, Graphviz DOT, and SVG and PNG drawn in-process (WebAssembly; no browser, no network).
 */
export { WorkflowDiagram } from './workflow-diagram';
export type { DiagramFormat } from './workflow-diagram';
export { buildDiagramModel } from './build-model';
export type { DiagramModelOptions } from './build-model';
export type { DiagramEdge, DiagramEdgeKind, DiagramGroup, DiagramGroupKind, DiagramModel, DiagramNode, DiagramNodeKind, DiagramRole } from './model';
export type { DiagramOverlay, EdgeMark, ElementMark, OverlayStatus } from './overlay';
export { toMermaid, escapeMermaidText } from './mermaid';
export { toDot, escapeDotHtml, escapeDotString, DIAGRAM_FONT } from './dot';
export { renderSvg } from './render-svg';
export { renderPng } from './render-png';
export type { PngOptions } from './render-png';
export { traceExecution } from './execution-trace';
export type { ExecutionTrace, StepOutcome, TraceRetry, TraceStep, TraceTransition } from './execution-trace';
export { runOverlay } from './run-overlay';
export type { RunOverlayOptions } from './run-overlay';
export { coverageOverlay } from './coverage-overlay';
export type { CoverageCounts } from './coverage-overlay';
export { choiceRuleText, retrierText, catcherText, durationText } from './labels';
export { findSagaRoles } from './saga-roles';
export type { SagaRoles } from './saga-roles';
export { findApprovals } from './approval-roles';
export type { ApprovalShape } from './approval-roles';
export { aslRetriers, aslTransitions, describeTransition, retrierKey, stateTransitions, transitionKey } from '../asl/transitions';
export type { AslRetrier, AslTransition, AslTransitionKind } from '../asl/transitions';
export type { SynthesizedStateMachine } from '../assembly/stack-resources';
