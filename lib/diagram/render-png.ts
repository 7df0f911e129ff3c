import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as resvgWasm from '@resvg/resvg-wasm';
import { requireOptional, resolveOptional } from '../private/optional-dependency';
import { DIAGRAM_FONT } from './dot';

/** Options of {@link renderPng}. */
export interface PngOptions {
  /**
   * How many PNG pixels per CSS pixel of the SVG (Graphviz sizes its SVG in points; 1 pt is 4/3 px).
   * @default 1.5
   */
  readonly scale?: number;
}

/** The DejaVu Sans faces the diagrams use (regular and bold), from the `dejavu-fonts-ttf` package. */
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'];

const PNG_FEATURE = 'Drawing a diagram as PNG';
const PNG_PACKAGES = ['@hpcc-js/wasm-graphviz', '@resvg/resvg-wasm', 'dejavu-fonts-ttf'];

let ready: Promise<Buffer[]> | undefined;

/** resvg, an optional peer dependency, loaded on the first PNG. */
function resvg(): typeof resvgWasm {
  return requireOptional<typeof resvgWasm>('@resvg/resvg-wasm', PNG_FEATURE, PNG_PACKAGES);
}

/** Starts resvg's WebAssembly once (a second `initWasm` throws), and reads the fonts. */
function prepare(): Promise<Buffer[]> {
  ready ??= (async () => {
    try {
      await resvg().initWasm(readFileSync(resolveOptional('@resvg/resvg-wasm/index_bg.wasm', PNG_FEATURE, PNG_PACKAGES)));
    } catch (error) {
      if (!/Already initialized/.test((error as Error).message)) throw error;
    }
    const fontDirectory = path.join(path.dirname(resolveOptional('dejavu-fonts-ttf/package.json', PNG_FEATURE, PNG_PACKAGES)), 'ttf');
    return FONT_FILES.map((file) => readFileSync(path.join(fontDirectory, file)));
  })();
  return ready;
}

/**
 * Rasterizes an SVG (a diagram from {@link renderSvg}) to PNG, in-process: resvg compiled to
 * WebAssembly, with the DejaVu Sans font the DOT source names; no browser, no system fonts.
 *
 * @returns the PNG bytes
 * @throws Error when the SVG does not parse, or `scale` is not a positive number.
 * @throws MissingOptionalDependencyError when `@resvg/resvg-wasm` or `dejavu-fonts-ttf` is not installed.
 * @see https://github.com/linebender/resvg
 */
export async function renderPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 1.5;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`PNG scale must be a positive number (got ${scale}).`);
  const fontBuffers = await prepare();
  const renderer = new (resvg().Resvg)(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { fontBuffers, defaultFontFamily: DIAGRAM_FONT, sansSerifFamily: DIAGRAM_FONT, loadSystemFonts: false },
  });
  return renderer.render().asPng();
}
