import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from './handler-assets';

/** The MIME type of each kind of file the approvals page is made of. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The directory of the approvals page's files (`web/approvals` in the package): index.html, its
 * ES modules and its style sheet, served as they are (no build step).
 *
 * @throws Error if the directory is missing (an incomplete installation).
 */
export function approvalsPageDirectory(): string {
  const directory = path.join(packageRoot(), 'web', 'approvals');
  if (!existsSync(path.join(directory, 'index.html'))) {
    throw new Error(`The approvals page is missing (no ${directory}/index.html): the installed cdk-sfn-workflows package is incomplete; reinstall it.`);
  }
  return directory;
}

/** The page's files by URL path (`/index.html`, `/app.js`, ...) with their content type; `/` is index.html. */
export function approvalsPageFiles(directory = approvalsPageDirectory()): Map<string, { readonly file: string; readonly contentType: string }> {
  const files = new Map<string, { file: string; contentType: string }>();
  for (const name of readdirSync(directory)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType) files.set(`/${name}`, { file: path.join(directory, name), contentType });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
