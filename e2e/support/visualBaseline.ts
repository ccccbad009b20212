/**
 * Screenshots compared with reviewed baselines kept in the repository (e2e/baselines/*.png;
 * issue 16 point 9). A screenshot that differs from its baseline in more than
 * MAX_DIFFERENT_PIXELS pixels fails, and leaves the screenshot and a picture of the difference
 * (changed pixels in red) under e2e/artifacts/visual/ to look at.
 *
 * UPDATE_BASELINES=1 writes the screenshots as the new baselines instead of comparing: run it
 * after a deliberate change to a screen, look at the pictures, commit them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { ARTIFACTS } from './appPage.js';

export const BASELINES = path.resolve(import.meta.dirname, '..', 'baselines');
const DIFFS = path.join(ARTIFACTS, 'visual');

/**
 * How far a pixel's colour may move before it counts as changed: pixelmatch 8's OKLab HyAB
 * distance, 0 (same) to 1 (black against white). 0.01 catches a shift of about 3 in one RGB
 * channel: the primary button's blue going from #0969da to #1f6feb (what the contrast fix of
 * issue 16 changed) fails, while 0.05 let it pass.
 */
const COLOUR_THRESHOLD = 0.01;
/**
 * How many pixels may change. The same Chromium, headless, draws the same page the same way, so
 * this is a margin for antialiasing only; moving one line of text by 1 px changes hundreds.
 */
export const MAX_DIFFERENT_PIXELS = 20;

export const updatingBaselines = process.env['UPDATE_BASELINES'] === '1';

export type BaselineResult =
  | { readonly kind: 'written'; readonly file: string }
  | { readonly kind: 'same'; readonly different: number }
  | { readonly kind: 'different'; readonly message: string };

/** The number of pixels that differ, and a picture of where (undefined if the sizes differ). */
export function comparePngs(
  expected: Buffer,
  actual: Buffer,
): { different: number; diff?: Buffer; sizes?: string } {
  const a = PNG.sync.read(expected);
  const b = PNG.sync.read(actual);
  if (a.width !== b.width || a.height !== b.height)
    return {
      different: Number.POSITIVE_INFINITY,
      sizes: `${a.width}×${a.height} in the baseline, ${b.width}×${b.height} now`,
    };
  const diff = new PNG({ width: a.width, height: a.height });
  const different = pixelmatch(a.data, b.data, diff.data, a.width, a.height, {
    threshold: COLOUR_THRESHOLD,
  });
  return { different, diff: PNG.sync.write(diff) };
}

/** Where the browser that took the baselines is named (another one draws text differently). */
const BROWSER_FILE = path.join(BASELINES, 'browser.txt');

/**
 * Records `browser` (e.g. "Chromium 156.0.8078.129") as the one taking the baselines, or, when
 * comparing, says in a sentence if the baselines were taken with another one ('' if the same).
 */
export async function checkBrowser(browser: string): Promise<string> {
  if (updatingBaselines) {
    await mkdir(BASELINES, { recursive: true });
    await writeFile(BROWSER_FILE, `${browser}\n`);
    return '';
  }
  const took = existsSync(BROWSER_FILE) ? (await readFile(BROWSER_FILE, 'utf8')).trim() : '';
  return took === '' || took === browser
    ? ''
    : `The baselines were taken with ${took} and this run uses ${browser}: fonts and text are drawn differently across versions, so take new baselines with this one (UPDATE_BASELINES=1) if the pictures look right.`;
}

/** Compares `png` with the baseline `name`.png, or writes it there when updating. */
export async function checkBaseline(name: string, png: Buffer): Promise<BaselineResult> {
  const file = path.join(BASELINES, `${name}.png`);
  if (updatingBaselines) {
    await mkdir(BASELINES, { recursive: true });
    await writeFile(file, png);
    return { kind: 'written', file };
  }
  if (!existsSync(file))
    return {
      kind: 'different',
      message: `There is no baseline ${path.relative(process.cwd(), file)}: run this test with UPDATE_BASELINES=1, look at the picture and commit it.`,
    };
  const { different, diff, sizes } = comparePngs(await readFile(file), png);
  if (different <= MAX_DIFFERENT_PIXELS) return { kind: 'same', different };
  await mkdir(DIFFS, { recursive: true });
  const actualFile = path.join(DIFFS, `${name}.actual.png`);
  await writeFile(actualFile, png);
  if (diff) await writeFile(path.join(DIFFS, `${name}.diff.png`), diff);
  return {
    kind: 'different',
    message:
      `${name} differs from its baseline: ${sizes ?? `${different} pixels changed (at most ${MAX_DIFFERENT_PIXELS} may)`}. ` +
      `See ${path.relative(process.cwd(), actualFile)}${diff ? ' and its .diff.png' : ''}; ` +
      'if the change is intended, run with UPDATE_BASELINES=1 and commit the new baseline.',
  };
}
