import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MissingOptionalDependencyError, requireOptional, resolveOptional } from '../lib/private/optional-dependency';

describe('optional peer dependencies, loaded when a feature first needs them', () => {
  test('a missing package fails with the feature, every package it needs and the install command', () => {
    const load = () => requireOptional('cdk-sfn-workflows-no-such-package', 'Drawing a diagram as PNG', ['cdk-sfn-workflows-no-such-package', 'dejavu-fonts-ttf']);
    expect(load).toThrow(MissingOptionalDependencyError);
    expect(load).toThrow(
      'Drawing a diagram as PNG needs the optional packages cdk-sfn-workflows-no-such-package, dejavu-fonts-ttf, which cdk-sfn-workflows does not install for you. ' +
        'Install them: npm install --save-dev cdk-sfn-workflows-no-such-package dejavu-fonts-ttf',
    );
    expect(() => resolveOptional('cdk-sfn-workflows-no-such-package/file.wasm', 'Drawing', ['cdk-sfn-workflows-no-such-package'])).toThrow(
      /needs the optional package cdk-sfn-workflows-no-such-package, .* Install it: npm install --save-dev cdk-sfn-workflows-no-such-package$/,
    );
  });

  test('an installed package is returned as require gives it', () => {
    expect(requireOptional<typeof import('node:path')>('node:path', 'Paths').join('a', 'b')).toBe(path.join('a', 'b'));
    expect(resolveOptional('jsonata', 'JSONata', ['jsonata'])).toBe(require.resolve('jsonata'));
  });

  test('an installed package that fails to load keeps its own error: only the named package missing is reported as missing', () => {
    // GIVEN a module that requires something that does not exist
    const directory = mkdtempSync(path.join(tmpdir(), 'optional-'));
    mkdirSync(directory, { recursive: true });
    const broken = path.join(directory, 'broken.js');
    writeFileSync(broken, "require('cdk-sfn-workflows-missing-inner-dependency');");
    // WHEN / THEN
    expect(() => requireOptional(broken, 'A feature')).toThrow(/Cannot find module 'cdk-sfn-workflows-missing-inner-dependency'/);
    expect(() => requireOptional(broken, 'A feature')).not.toThrow(MissingOptionalDependencyError);
  });
});
