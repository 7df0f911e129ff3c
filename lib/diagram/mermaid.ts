import { DiagramEdge, DiagramGroup, DiagramModel, DiagramNode } from './model';
import { DiagramOverlay, ElementMark } from './overlay';
import { EDGE_MARK_STYLES, edgeColour, NODE_MARK_STYLES, nodeClass, nodeClasses } from './palette';

/**
 * Text as a Mermaid label may hold it, inside double quotes: every character Mermaid's syntax
 * or its HTML labels would read (`"`, `#`, `&`, `<`, `>`, the backtick, `|`, `\`, control
 * characters) written as an entity code (`#34;`). Everything else, Unicode included, stays.
 *
 * @see https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
 */
export function escapeMermaidText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f"#&<>`|\\;]/g, (character) => `#${character.codePointAt(0)};`);
}

/** Node shapes by state type (the class gives the colours, by role): `("…")` rounded, `["…"]` box, `{{"…"}}` hexagon, ... */
const SHAPES: Record<string, [string, string]> = {
  Task: ['("', '")'],
  Pass: ['["', '"]'],
  Choice: ['{{"', '"}}'],
  Wait: ['[/"', '"/]'],
  Succeed: ['(["', '"])'],
  Fail: ['[["', '"]]'],
};

/**
 * A diagram as a Mermaid flowchart, for READMEs and pull requests: state types as shapes and
 * classes, Parallel branches and Map item processors as nested subgraphs, Choice rules and
 * catchers as edge labels, catch edges dotted and red, a saga's undo path thick and orange.
 * With an overlay, marked states and edges get `style` and `linkStyle` lines (taken in blue,
 * failed in red, untaken grey; covered green, uncovered red).
 *
 * Ids are generated (`s0`, `g0`, ...), so no state name can break the syntax; every label is
 * quoted and escaped with {@link escapeMermaidText}.
 *
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
export function toMermaid(model: DiagramModel, overlay?: DiagramOverlay): string {
  const lines = ['---', `title: ${JSON.stringify(overlay ? `${model.title} · ${overlay.subtitle}` : model.title)}`, '---', 'flowchart TD'];
  for (const [name, colours] of nodeClasses()) lines.push(`  classDef ${name} fill:${colours.fill},stroke:${colours.stroke},color:${colours.text}`);
  lines.push(...groupBody(model, undefined, overlay, '  '));
  model.edges.filter(drawnInMermaid).forEach((edge) => lines.push(`  ${edgeLine(edge, overlay)}`));
  lines.push(...styleLines(model, overlay));
  return `${lines.join('\n')}\n`;
}

/** The nodes and subgraphs directly in a group (undefined: the top level); groups not drawn give their content inline. */
function groupBody(model: DiagramModel, group: string | undefined, overlay: DiagramOverlay | undefined, indent: string): string[] {
  const lines: string[] = [];
  for (const node of model.nodes.filter((n) => n.group === group)) lines.push(`${indent}${nodeLine(node, overlay?.elements.get(node.id))}`);
  for (const child of model.groups.filter((g) => g.parent === group)) {
    if (!child.drawn) {
      lines.push(...groupBody(model, child.id, overlay, indent));
      continue;
    }
    lines.push(`${indent}subgraph ${child.id} ["${label(groupLines(child, overlay?.elements.get(child.id)))}"]`);
    lines.push(`${indent}  direction TB`);
    lines.push(...groupBody(model, child.id, overlay, `${indent}  `));
    lines.push(`${indent}end`);
  }
  return lines;
}

function nodeLine(node: DiagramNode, mark: ElementMark | undefined): string {
  const className = nodeClass(node);
  if (node.kind === 'start') return `${node.id}(("${label([node.title])}")):::marker`;
  if (node.kind === 'end') return `${node.id}((("${label([node.title])}"))):::marker`;
  if (node.kind === 'outcome') return `${node.id}>"${label([node.title, ...node.notes])}"]:::Fail`;
  const [open, close] = SHAPES[node.stateType ?? ''] ?? SHAPES.Pass;
  return `${node.id}${open}${label(nodeLines(node, mark))}${close}:::${className}`;
}

function nodeLines(node: DiagramNode, mark: ElementMark | undefined): string[] {
  return [mark?.badge ? `(${mark.badge}) ${node.title}` : node.title, ...node.notes, ...(mark?.notes ?? [])];
}

function groupLines(group: DiagramGroup, mark: ElementMark | undefined): string[] {
  return [mark?.badge ? `(${mark.badge}) ${group.title}` : group.title, ...group.notes, ...(mark?.notes ?? [])];
}

function label(lines: string[]): string {
  return lines.map(escapeMermaidText).join('<br/>');
}

/** Fork and join edges only say what a subgraph already shows. */
function drawnInMermaid(edge: DiagramEdge): boolean {
  return edge.kind !== 'fork' && edge.kind !== 'join';
}

function edgeLine(edge: DiagramEdge, overlay: DiagramOverlay | undefined): string {
  const arrow = edge.kind === 'catch' || edge.kind === 'outcome' ? '-.->' : edge.undo ? '==>' : '-->';
  const note = overlay?.edges.get(edge.id)?.note;
  const text = [edge.label, note].filter((part): part is string => !!part).join(' · ');
  return text ? `${edge.from} ${arrow}|"${escapeMermaidText(text)}"| ${edge.to}` : `${edge.from} ${arrow} ${edge.to}`;
}

/** `linkStyle` for every coloured edge (by its position among the drawn edges) and `style` for marked states. */
function styleLines(model: DiagramModel, overlay: DiagramOverlay | undefined): string[] {
  const lines: string[] = [];
  model.edges.filter(drawnInMermaid).forEach((edge, index) => {
    const mark = overlay?.edges.get(edge.id);
    if (mark) {
      const style = EDGE_MARK_STYLES[mark.status];
      lines.push(`  linkStyle ${index} stroke:${style.stroke},stroke-width:${style.width}px${style.text ? `,color:${style.text}` : ''}`);
    } else if (edgeColour(edge) !== '#555555') {
      lines.push(`  linkStyle ${index} stroke:${edgeColour(edge)}${edge.undo ? ',stroke-width:2px' : ''}`);
    }
  });
  for (const [id, mark] of overlay?.elements ?? []) {
    const style = NODE_MARK_STYLES[mark.status];
    const parts = [`stroke:${style.stroke}`, `stroke-width:${style.width}px`];
    if (style.fill) parts.push(`fill:${style.fill}`);
    if (style.text) parts.push(`color:${style.text}`);
    if (style.dashed) parts.push('stroke-dasharray:4 3');
    lines.push(`  style ${id} ${parts.join(',')}`);
  }
  return lines;
}
