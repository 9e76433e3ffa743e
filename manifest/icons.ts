// The app's two icons: rendered from the SVG sources in manifest/icons/ with resvg (no system
// fonts, paths only, so every machine renders the same pixels), and checked the way Teams wants
// them: colour 192×192, outline 32×32 white on a transparent background.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';

export const ICONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons');

export type IconKind = 'color' | 'outline';

export interface IconSpec {
  kind: IconKind;
  /** File name in the icons folder and in the app package (the manifest's `icons` values). */
  file: string;
  source: string;
  size: number;
}

export const ICON_SPECS: Record<IconKind, IconSpec> = {
  color: { kind: 'color', file: 'color.png', source: 'color.svg', size: 192 },
  outline: { kind: 'outline', file: 'outline.png', source: 'outline.svg', size: 32 },
};

/** Renders one icon's SVG source to PNG bytes at the size Teams wants. */
export function renderIcon(spec: IconSpec, iconsDir = ICONS_DIR): Buffer {
  const svg = readFileSync(path.join(iconsDir, spec.source), 'utf8');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: spec.size },
    font: { loadSystemFonts: false },
    shapeRendering: 2, // geometricPrecision: anti-aliased edges
  });
  return resvg.render().asPng();
}

/** Renders both icons and writes them next to their sources; returns the paths written. */
export function renderIcons(iconsDir = ICONS_DIR): string[] {
  return Object.values(ICON_SPECS).map((spec) => {
    const out = path.join(iconsDir, spec.file);
    writeFileSync(out, renderIcon(spec, iconsDir));
    return out;
  });
}

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, not premultiplied. */
  data: Buffer;
}

export function decodePng(bytes: Buffer): Pixels {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, data: png.data };
}

/** An alpha channel counts as transparent at or below this, opaque at or above OPAQUE. */
const TRANSPARENT = 0;
const OPAQUE = 250;
/** How far from pure white (per channel) a visible outline pixel may be. */
const WHITE_TOLERANCE = 4;

/**
 * Problems with one icon's pixels, empty when it is fine. Outline: white (anti-aliased edges
 * may be partly transparent, but still white) on a background that is fully transparent.
 */
export function iconProblems(spec: IconSpec, pixels: Pixels): string[] {
  const problems: string[] = [];
  const name = spec.file;
  if (pixels.width !== spec.size || pixels.height !== spec.size) {
    problems.push(`${name} is ${pixels.width}×${pixels.height} pixels; Teams needs ${spec.size}×${spec.size}`);
    return problems;
  }
  const total = pixels.width * pixels.height;
  let transparent = 0;
  let opaque = 0;
  let notWhite = 0;
  let firstNotWhite: string | undefined;
  for (let i = 0; i < total; i++) {
    const [r, g, b, a] = [pixels.data[i * 4]!, pixels.data[i * 4 + 1]!, pixels.data[i * 4 + 2]!, pixels.data[i * 4 + 3]!];
    if (a <= TRANSPARENT) {
      transparent++;
      continue;
    }
    if (a >= OPAQUE) opaque++;
    if (spec.kind === 'outline' && Math.min(r, g, b) < 255 - WHITE_TOLERANCE) {
      notWhite++;
      firstNotWhite ??= `(${i % pixels.width}, ${Math.floor(i / pixels.width)}) is rgba(${r}, ${g}, ${b}, ${a})`;
    }
  }
  if (spec.kind === 'outline') {
    if (notWhite > 0) problems.push(`${name} must be white on transparent, but ${notWhite} visible pixel(s) are not white, e.g. ${firstNotWhite}`);
    if (transparent < total * 0.25) problems.push(`${name} must have a transparent background, but only ${transparent} of ${total} pixels are transparent`);
    if (opaque === 0) problems.push(`${name} has no opaque white pixels: the symbol is missing`);
    const corners = [0, pixels.width - 1, total - pixels.width, total - 1];
    if (corners.some((i) => pixels.data[i * 4 + 3] !== 0)) problems.push(`${name} must be transparent in its corners (the background)`);
  } else if (opaque < total * 0.5) {
    problems.push(`${name} should be a full-colour icon, but only ${opaque} of ${total} pixels are opaque`);
  }
  return problems;
}

/** Checks both icon PNGs in a folder: sizes, outline white-on-transparent. Empty when fine. */
export function checkIcons(iconsDir = ICONS_DIR): string[] {
  return Object.values(ICON_SPECS).flatMap((spec) => {
    let pixels: Pixels;
    try {
      pixels = decodePng(readFileSync(path.join(iconsDir, spec.file)));
    } catch (error) {
      return [`${spec.file}: cannot read it as a PNG (${(error as Error).message}); run npm run icons`];
    }
    return iconProblems(spec, pixels);
  });
}
