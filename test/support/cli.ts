import { runCli } from '../../lib/cli/program';

/** Runs the command line with `argv`; returns its exit code and what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, (text) => lines.push(text));
  return { code, output: lines.join('\n') };
}
