import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The outcome of parsing one Mermaid text with Mermaid's own parser. */
export interface MermaidParse {
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * Parses Mermaid texts with the `mermaid` package (in a Node subprocess: Mermaid is an ES
 * module that wants a DOM, which jsdom provides there).
 */
export function parseMermaid(texts: string[]): MermaidParse[] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(texts), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`mermaid-parse failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as MermaidParse[];
}
