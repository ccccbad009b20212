import { describe, expect, it } from 'vitest';
import { qrPath } from './QrCode.js';

/** The dark modules of a path, as "x,y" (each module is drawn `M{x} {y}h1v1h-1z`). */
const darkModules = (d: string) =>
  new Set([...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));

describe('the invite’s QR code', () => {
  // From ISO/IEC 18004: a version-v symbol is 17 + 4v modules wide; byte mode at level M holds
  // 14 bytes in version 1 and 213 in version 10; each corner but the bottom right has a finder
  // pattern (a 7×7 dark ring, a light ring, a 3×3 dark centre); 4 light modules surround it all.
  it('is as large as its text needs, with a quiet zone of 4 modules', () => {
    expect(qrPath('ng1-abc').size).toBe(21 + 8);
    expect(qrPath(`ng1-${'a'.repeat(200)}`).size).toBe(57 + 8);
  });

  it('has the three finder patterns where the standard puts them', () => {
    const { size, d } = qrPath('ng1-abc');
    const dark = darkModules(d);
    const inner = size - 8;
    for (const [cx, cy] of [
      [4, 4],
      [4 + inner - 7, 4],
      [4, 4 + inner - 7],
    ] as const) {
      for (let i = 0; i < 7; i++) {
        // The outer ring: dark all round.
        expect(dark.has(`${cx + i},${cy}`)).toBe(true);
        expect(dark.has(`${cx + i},${cy + 6}`)).toBe(true);
        expect(dark.has(`${cx},${cy + i}`)).toBe(true);
        expect(dark.has(`${cx + 6},${cy + i}`)).toBe(true);
      }
      // The light ring inside it, and the dark centre.
      expect(dark.has(`${cx + 1},${cy + 1}`)).toBe(false);
      expect(dark.has(`${cx + 5},${cy + 3}`)).toBe(false);
      expect(dark.has(`${cx + 3},${cy + 3}`)).toBe(true);
      expect(dark.has(`${cx + 2},${cy + 4}`)).toBe(true);
    }
    // The quiet zone stays light.
    for (const key of dark) {
      const [x, y] = key.split(',').map(Number) as [number, number];
      expect(x >= 4 && y >= 4 && x < size - 4 && y < size - 4).toBe(true);
    }
  });
});
