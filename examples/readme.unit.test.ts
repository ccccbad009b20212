/**
 * The README's library example is `examples/quickstart.ts` verbatim, so what users copy is code
 * that type-checks and that `npm run examples` and the examples' int test run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');

describe('README quick start', () => {
  it('is examples/quickstart.ts from its first import on', () => {
    const source = read('./quickstart.ts');
    const code = source.slice(source.indexOf('import { createHash }')).trimEnd();
    const blocks = [...read('../README.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
      (m[1] ?? '').trimEnd(),
    );
    expect(code.length).toBeGreaterThan(500);
    expect(blocks).toContain(code);
  });
});
