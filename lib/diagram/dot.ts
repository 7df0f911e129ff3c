import { DiagramEdge, DiagramGroup, DiagramModel, DiagramNode } from './model';
import { DiagramOverlay, EdgeMark, ElementMark } from './overlay';
import { EDGE_MARK_STYLES, edgeColour, NODE_MARK_STYLES, nodeClass, nodeColours } from './palette';

/** The font the DOT source names; the PNG renderer ships it, so layout and raster agree. */
export const DIAGRAM_FONT = 'DejaVu Sans';

/** Text for a Graphviz HTML-like label: `&`, `<`, `>`, `"` as entities, control characters as spaces. */
export function escapeDotHtml(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Text for a double-quoted DOT string: `"` and `\` escaped, line breaks as `\n`. */
export function escapeDotString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** Shapes by state type: the colours say the role, the shape the type. */
const SHAPES: Record<string, string> = { Choice: 'hexagon', Wait: 'parallelogram' };

const ROUNDED = new Set(['Task', 'Succeed']);

/** Width of a badge: padding plus the width of a bold 10-point DejaVu Sans digit, in points. */
const BADGE_PADDING_POINTS = 8;
const BADGE_CHARACTER_POINTS = 7;

/**
 * A diagram as Graphviz DOT, for an SVG or PNG: each Parallel and Map a cluster (a cluster per
 * branch or item processor inside) entered and left through small anchor points, so edges
 * meet the box rather than a state inside it (`compound=true`, `lhead`, `ltail`). Labels are
 * HTML-like (the name in bold, notes smaller); an overlay adds a badge (the step numbers or
 * entry count) and colours.
 *
 * @see https://graphviz.org/doc/info/lang.html
 */
export function toDot(model: DiagramModel, overlay?: DiagramOverlay): string {
  const title = `<<b>${escapeDotHtml(model.title)}</b>${overlay ? `<br/><font point-size="10">${escapeDotHtml(overlay.subtitle)}</font>` : ''}>`;
  const lines = [
    `digraph "${escapeDotString(model.title)}" {`,
    `  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.35, ranksep=0.42, pad=0.3, bgcolor="white", fontname="${DIAGRAM_FONT}", fontsize=13, labelloc=t, labeljust=l, label=${title}];`,
    `  node [fontname="${DIAGRAM_FONT}", fontsize=11, margin="0.12,0.05", penwidth=1.2];`,
    `  edge [fontname="${DIAGRAM_FONT}", fontsize=9, arrowsize=0.7];`,
    ...clusterBody(model, undefined, overlay, '  '),
    ...model.edges.map((edge) => `  ${edgeStatement(model, edge, overlay?.edges.get(edge.id))}`),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function clusterBody(model: DiagramModel, group: string | undefined, overlay: DiagramOverlay | undefined, indent: string): string[] {
  const lines: string[] = [];
  for (const node of model.nodes.filter((n) => n.group === group)) lines.push(`${indent}${nodeStatement(node, overlay?.elements.get(node.id))}`);
  for (const child of model.groups.filter((g) => g.parent === group)) {
    if (!child.drawn) {
      lines.push(...clusterBody(model, child.id, overlay, indent));
      continue;
    }
    lines.push(`${indent}subgraph cluster_${child.id} {`);
    lines.push(...clusterAttributes(child, overlay?.elements.get(child.id)).map((attribute) => `${indent}  ${attribute};`));
    if (child.stateName) {
      lines.push(`${indent}  ${child.id}_in [shape=point, width=0.07, color="#777777", label=""];`);
      lines.push(`${indent}  ${child.id}_out [shape=point, width=0.07, color="#777777", label=""];`);
    }
    lines.push(...clusterBody(model, child.id, overlay, `${indent}  `));
    lines.push(`${indent}}`);
  }
  return lines;
}

function clusterAttributes(group: DiagramGroup, mark: ElementMark | undefined): string[] {
  const isState = group.stateName !== undefined;
  const colour = group.approval ? '#5e35b1' : isState ? '#8a8a8a' : '#bdbdbd';
  const fill = group.approval ? '#f7f3fc' : isState ? '#fafafa' : '#ffffff';
  const style = mark ? NODE_MARK_STYLES[mark.status] : undefined;
  return [
    `label=<${labelTable(group.title, [...group.notes], mark?.notes ?? [], mark, isState)}>`,
    `labeljust=l`,
    `style="rounded,filled${style?.dashed || !isState ? ',dashed' : ''}"`,
    `fillcolor="${style?.fill ?? fill}"`,
    `color="${style?.stroke ?? colour}"`,
    `penwidth=${style?.width ?? (isState ? 1.3 : 1)}`,
    `fontcolor="${style?.text ?? '#1a1a1a'}"`,
  ];
}

function nodeStatement(node: DiagramNode, mark: ElementMark | undefined): string {
  const style = mark ? NODE_MARK_STYLES[mark.status] : undefined;
  if (node.kind === 'start' || node.kind === 'end') {
    const shape = node.kind === 'start' ? 'circle, width=0.24' : 'doublecircle, width=0.18';
    const fill = style && mark?.status === 'untaken' ? '#d0d0d0' : '#333333';
    return `${node.id} [shape=${shape}, label="", style=filled, fillcolor="${fill}", color="${fill}", tooltip="${node.title}"];`;
  }
  const className = nodeClass(node);
  const colours = nodeColours(className);
  const type = node.stateType ?? '';
  const styles = [ROUNDED.has(type) ? 'rounded' : '', 'filled', style?.dashed || node.kind === 'outcome' ? 'dashed' : ''].filter(Boolean).join(',');
  const attributes = [
    `shape=${SHAPES[type] ?? 'box'}`,
    `style="${styles}"`,
    `fillcolor="${style?.fill ?? colours.fill}"`,
    `color="${style?.stroke ?? colours.stroke}"`,
    `penwidth=${style?.width ?? (node.role === 'compensation' ? 2 : 1.2)}`,
    `fontcolor="${style?.text ?? colours.text}"`,
    `label=<${labelTable(node.title, [...node.notes], mark?.notes ?? [], mark, true)}>`,
  ];
  if (node.stateType === 'Fail' || node.kind === 'outcome') attributes.push('peripheries=2');
  if (node.tooltip) attributes.push(`tooltip="${escapeDotString(node.tooltip)}"`);
  return `${node.id} [${attributes.join(', ')}];`;
}

/**
 * The label of a node or group as a table: the title in bold and the notes below it, smaller.
 * An overlay's badge (step numbers, an entry count) sits in a fixed-size coloured cell before
 * the title, and the notes line up with the title.
 */
function labelTable(title: string, notes: string[], overlayNotes: readonly string[], mark: ElementMark | undefined, bold: boolean): string {
  const style = mark ? NODE_MARK_STYLES[mark.status] : undefined;
  const text = bold ? `<b>${escapeDotHtml(title)}</b>` : escapeDotHtml(title);
  const lead = mark?.badge ? '<td></td>' : '';
  const rows = [
    `${mark?.badge ? badgeCell(mark) : ''}<td align="left">${text}</td>`,
    ...notes.map((note) => `${lead}${noteCell(note, style?.text ?? '#555555')}`),
    ...overlayNotes.map((note) => `${lead}${noteCell(note, style?.text ?? style?.stroke ?? '#333333')}`),
  ];
  return `<table border="0" cellborder="0" cellspacing="1" cellpadding="1">${rows.map((row) => `<tr>${row}</tr>`).join('')}</table>`;
}

function badgeCell(mark: ElementMark): string {
  const colour = mark.status === 'untaken' ? '#bdbdbd' : NODE_MARK_STYLES[mark.status].stroke;
  const width = Math.ceil(BADGE_PADDING_POINTS + BADGE_CHARACTER_POINTS * [...mark.badge!].length);
  return `<td bgcolor="${colour}" fixedsize="true" width="${width}" height="15"><font color="white" point-size="10"><b>${escapeDotHtml(mark.badge!)}</b></font></td>`;
}

function noteCell(note: string, colour: string): string {
  return `<td align="left"><font point-size="9" color="${colour}">${escapeDotHtml(note)}</font></td>`;
}

function edgeStatement(model: DiagramModel, edge: DiagramEdge, mark: EdgeMark | undefined): string {
  const from = endpoint(model, edge.from, 'out', edge.kind === 'fork');
  const to = endpoint(model, edge.to, 'in', edge.kind === 'join');
  const style = mark ? EDGE_MARK_STYLES[mark.status] : undefined;
  const colour = style?.stroke ?? edgeColour(edge);
  const attributes = [`color="${colour}"`, `penwidth=${style?.width ?? (edge.undo ? 2 : 1.2)}`];
  if (edge.kind === 'catch' || edge.kind === 'outcome') attributes.push('style=dashed');
  if (edge.kind === 'fork' || edge.kind === 'join') attributes.push('arrowsize=0.5');
  const text = [edge.label, mark?.note].filter((part): part is string => !!part).join(' · ');
  if (text) attributes.push(`label=<${escapeDotHtml(text)}>`, `fontcolor="${style?.text ?? colour}"`);
  if (from.cluster) attributes.push(`ltail=${from.cluster}`);
  if (to.cluster) attributes.push(`lhead=${to.cluster}`);
  return `${from.id} -> ${to.id} [${attributes.join(', ')}];`;
}

/**
 * Where an edge attaches: a node itself, or a group's anchor point (`g0_in` for edges into a
 * Parallel or Map, `g0_out` for edges leaving it), clipped at the cluster's border unless the
 * edge runs inside the group (a fork from its entry, a join to its exit).
 */
function endpoint(model: DiagramModel, id: string, side: 'in' | 'out', inside: boolean): { id: string; cluster?: string } {
  const group = model.groups.find((g) => g.id === id);
  if (!group) return { id };
  const anchor = inside ? (side === 'out' ? 'in' : 'out') : side;
  return { id: `${id}_${anchor}`, cluster: inside ? undefined : `cluster_${id}` };
}
