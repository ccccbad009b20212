#!/usr/bin/env node
// Draws NetGuardian's icons as PNGs with nothing but node:zlib, so they are reproducible
// from this file (`node scripts/make-icons.mjs`) and the PNGs are committed:
//   build/icon.png                    512×512 app icon (electron-builder derives .ico/.icns)
//   assets/tray/<state>.png           16 px tray icon, <state>@2x.png 32 px (HiDPI)
//   assets/tray/<state>-32.png        32 px for Linux trays, <state>-32@2x.png 64 px
// States: synced, syncing, conflicts, offline, error, paused (src-main/shell/trayState.ts).
//
// Each icon is a coloured disc with a white glyph, drawn from signed distances and 4×4
// supersampled for anti-aliasing.
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---- PNG encoding (RGBA, 8 bits per channel) --------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Shapes in a unit square (0..1), as "inside" tests --------------------------------
const segDist = (px, py, ax, ay, bx, by) => {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
};
/** A stroked polyline with round caps. */
const stroke = (points, width) => (x, y) => {
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i];
    const [bx, by] = points[i + 1];
    if (segDist(x, y, ax, ay, bx, by) <= width / 2) return true;
  }
  return false;
};
const disc = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) <= r;
/** An arc from angle a0 to a1 (radians, clockwise on screen), stroked. */
const arc = (cx, cy, r, a0, a1, width) => (x, y) => {
  const d = Math.abs(Math.hypot(x - cx, y - cy) - r);
  if (d > width / 2) return false;
  let a = Math.atan2(y - cy, x - cx);
  while (a < a0) a += 2 * Math.PI;
  return a <= a1;
};
const triangle = (p1, p2, p3) => (x, y) => {
  const s = (a, b) => (x - b[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (y - b[1]);
  const d1 = s(p1, p2);
  const d2 = s(p2, p3);
  const d3 = s(p3, p1);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const union =
  (...shapes) =>
  (x, y) =>
    shapes.some((s) => s(x, y));

const W = 0.13; // glyph stroke width
const GLYPHS = {
  // A check mark: all is well.
  synced: stroke(
    [
      [0.29, 0.52],
      [0.44, 0.67],
      [0.72, 0.37],
    ],
    W,
  ),
  // Two arcs chasing each other, arrowheads down on the right and up on the left.
  syncing: union(
    arc(0.5, 0.5, 0.22, -Math.PI, -0.12 * Math.PI, W * 0.9),
    triangle([0.6, 0.46], [0.84, 0.46], [0.72, 0.62]),
    arc(0.5, 0.5, 0.22, 0, 0.88 * Math.PI, W * 0.9),
    triangle([0.16, 0.54], [0.4, 0.54], [0.28, 0.38]),
  ),
  // "!": something needs you.
  conflicts: union(
    stroke(
      [
        [0.5, 0.26],
        [0.5, 0.56],
      ],
      W,
    ),
    disc(0.5, 0.73, W * 0.62),
  ),
  // A dash: not connected, calmer than error's cross.
  offline: stroke(
    [
      [0.3, 0.5],
      [0.7, 0.5],
    ],
    W,
  ),
  error: union(
    stroke(
      [
        [0.33, 0.33],
        [0.67, 0.67],
      ],
      W,
    ),
    stroke(
      [
        [0.33, 0.67],
        [0.67, 0.33],
      ],
      W,
    ),
  ),
  paused: union(
    stroke(
      [
        [0.4, 0.31],
        [0.4, 0.69],
      ],
      W,
    ),
    stroke(
      [
        [0.6, 0.31],
        [0.6, 0.69],
      ],
      W,
    ),
  ),
};

const COLOURS = {
  synced: [0x2d, 0xa4, 0x4e],
  syncing: [0x1f, 0x6f, 0xeb],
  conflicts: [0xd2, 0x99, 0x22],
  offline: [0x6e, 0x77, 0x81],
  error: [0xcf, 0x22, 0x2e],
  paused: [0x8c, 0x95, 0x9f],
};

/** Renders `layers` (bottom first: [inside, [r,g,b]]) at `size` px, 4×4 supersampled. */
export function render(size, layers) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++)
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let colour = null;
          for (const [inside, c] of layers) if (inside(x, y)) colour = c;
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      const o = (py * size + px) * 4;
      // Premultiplied sums back to straight alpha.
      rgba[o] = a ? Math.round(r / a) : 0;
      rgba[o + 1] = a ? Math.round(g / a) : 0;
      rgba[o + 2] = a ? Math.round(b / a) : 0;
      rgba[o + 3] = Math.round((255 * a) / (n * n));
    }
  return rgba;
}

const WHITE = [0xff, 0xff, 0xff];
export const TRAY_STATES = Object.keys(COLOURS);

function trayIcon(state, size) {
  return encodePng(
    size,
    render(size, [
      [disc(0.5, 0.5, 0.47), COLOURS[state]],
      [GLYPHS[state], WHITE],
    ]),
  );
}

function appIcon(size) {
  // A rounded square in the syncing blue with a white ring and the check: "kept in sync".
  const m = 0.06;
  const rad = 0.2;
  const roundedSquare = (x, y) => {
    const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - rad), 0);
    const qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - rad), 0);
    return Math.hypot(qx, qy) <= rad;
  };
  const ring = (x, y) => Math.abs(Math.hypot(x - 0.5, y - 0.5) - 0.3) <= 0.045;
  const check = stroke(
    [
      [0.36, 0.51],
      [0.46, 0.61],
      [0.65, 0.41],
    ],
    0.075,
  );
  return encodePng(
    size,
    render(size, [
      [roundedSquare, [0x1f, 0x6f, 0xeb]],
      [ring, WHITE],
      [check, WHITE],
    ]),
  );
}

/** Every icon file, by path relative to the repository root (the 512 px one takes seconds). */
export function iconFiles({ appIcon: withAppIcon = true } = {}) {
  const files = new Map();
  for (const state of TRAY_STATES) {
    files.set(`assets/tray/${state}.png`, trayIcon(state, 16));
    files.set(`assets/tray/${state}@2x.png`, trayIcon(state, 32));
    files.set(`assets/tray/${state}-32.png`, trayIcon(state, 32));
    files.set(`assets/tray/${state}-32@2x.png`, trayIcon(state, 64));
  }
  if (withAppIcon) files.set('build/icon.png', appIcon(512));
  return files;
}

function main() {
  const files = iconFiles();
  for (const [relative, bytes] of files) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), bytes);
  }
  process.stdout.write(`wrote ${files.size} icons (build/icon.png, assets/tray/*.png)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
