import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { approvalsPageAssetPath } from './handler-assets';

/** The MIME type of each kind of file the approvals page is made of. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's files by URL path (`/index.html`, `/app.js`, ...) with their content type; `/` is index.html. */
export function approvalsPageFiles(directory = approvalsPageAssetPath()): Map<string, { readonly file: string; readonly contentType: string }> {
  const files = new Map<string, { file: string; contentType: string }>();
  for (const name of readdirSync(directory)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType) files.set(`/${name}`, { file: path.join(directory, name), contentType });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
