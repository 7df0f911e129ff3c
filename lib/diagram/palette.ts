import { DiagramEdge, DiagramNode } from './model';
import { OverlayStatus } from './overlay';

/** Fill, border and text colour of a node. */
export interface NodeColours {
  readonly fill: string;
  readonly stroke: string;
  readonly text: string;
}

/** The look of each kind of state, shared by the Mermaid and DOT renderers. */
const NODE_COLOURS: Record<string, NodeColours> = {
  Task: { fill: '#e8f0fe', stroke: '#4a6fa5', text: '#1a1a1a' },
  Pass: { fill: '#f5f5f5', stroke: '#8a8a8a', text: '#1a1a1a' },
  Wait: { fill: '#f5f5f5', stroke: '#8a8a8a', text: '#1a1a1a' },
  Choice: { fill: '#fff8e1', stroke: '#b08900', text: '#1a1a1a' },
  Succeed: { fill: '#e6f4ea', stroke: '#2e7d32', text: '#1a1a1a' },
  Fail: { fill: '#fdecea', stroke: '#c62828', text: '#1a1a1a' },
  compensation: { fill: '#fff3e0', stroke: '#e65100', text: '#1a1a1a' },
  undo: { fill: '#fffaf3', stroke: '#e65100', text: '#1a1a1a' },
  approval: { fill: '#ede7f6', stroke: '#5e35b1', text: '#1a1a1a' },
  marker: { fill: '#333333', stroke: '#333333', text: '#ffffff' },
};

/** The class (and colours) of a node: its role when it has one that shows, else its state type. */
export function nodeClass(node: DiagramNode): string {
  if (node.kind === 'start' || node.kind === 'end') return 'marker';
  if (node.kind === 'outcome' || node.stateType === 'Fail') return 'Fail';
  if (node.role === 'compensation') return 'compensation';
  if (node.role === 'approval-wait') return 'approval';
  if (node.role === 'undo' && node.stateType !== 'Succeed') return 'undo';
  return NODE_COLOURS[node.stateType ?? ''] ? node.stateType! : 'Task';
}

/** The colours of a node class (see {@link nodeClass}). */
export function nodeColours(className: string): NodeColours {
  return NODE_COLOURS[className] ?? NODE_COLOURS.Task;
}

/** Every node class with its colours, in a fixed order. */
export function nodeClasses(): Array<[string, NodeColours]> {
  return Object.entries(NODE_COLOURS);
}

/** The colour of an edge without an overlay. */
export function edgeColour(edge: DiagramEdge): string {
  if (edge.undo) return '#e65100';
  if (edge.kind === 'catch' || edge.kind === 'outcome') return '#c62828';
  if (edge.kind === 'choice' || edge.kind === 'default') return '#8d6e00';
  if (edge.kind === 'fork' || edge.kind === 'join') return '#9e9e9e';
  return '#555555';
}

/** Border colour and width (in points) of a state marked by an overlay, and whether it is dimmed. */
export interface MarkStyle {
  readonly stroke: string;
  readonly width: number;
  readonly fill?: string;
  readonly text?: string;
  readonly dashed?: boolean;
}

/** How each overlay status draws a node or group. */
export const NODE_MARK_STYLES: Record<OverlayStatus, MarkStyle> = {
  taken: { stroke: '#1565c0', width: 3 },
  failed: { stroke: '#b71c1c', width: 3.5, fill: '#ffcdd2' },
  caught: { stroke: '#e65100', width: 3, fill: '#ffe0b2' },
  untaken: { stroke: '#d0d0d0', width: 1, fill: '#fafafa', text: '#a0a0a0', dashed: true },
  covered: { stroke: '#2e7d32', width: 2.5 },
  uncovered: { stroke: '#d32f2f', width: 3, fill: '#fff0f0', dashed: true },
};

/** How each overlay status draws an edge. */
export const EDGE_MARK_STYLES: Record<OverlayStatus, MarkStyle> = {
  taken: { stroke: '#1565c0', width: 2.5 },
  failed: { stroke: '#b71c1c', width: 2.5 },
  caught: { stroke: '#e65100', width: 2.5 },
  untaken: { stroke: '#d6d6d6', width: 1, text: '#b0b0b0' },
  covered: { stroke: '#2e7d32', width: 2 },
  uncovered: { stroke: '#d32f2f', width: 2.5, text: '#d32f2f' },
};
