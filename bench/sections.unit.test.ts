import { describe, expect, it } from 'vitest';
import { replaceSection } from './sections.js';

const FILE =
  '# Benchmarks\n\nintro\n\n## Folder sync\n\nold folder\n\n## Scale\n\nold scale\n\n## Desktop app (UI)\n\nui\n';

describe('replaceSection', () => {
  it('replaces only the named section, up to the next one', () => {
    expect(replaceSection(FILE, '## Scale', '## Scale\n\nnew scale\n')).toBe(
      '# Benchmarks\n\nintro\n\n## Folder sync\n\nold folder\n\n## Scale\n\nnew scale\n\n## Desktop app (UI)\n\nui\n',
    );
  });

  it('replaces the last section to the end of the file', () => {
    expect(replaceSection(FILE, '## Desktop app (UI)', '## Desktop app (UI)\n\nnew ui\n')).toBe(
      '# Benchmarks\n\nintro\n\n## Folder sync\n\nold folder\n\n## Scale\n\nold scale\n\n## Desktop app (UI)\n\nnew ui\n',
    );
  });

  it('appends a section the file does not have yet', () => {
    expect(replaceSection('# Benchmarks\n\nintro\n', '## Scale', '## Scale\n\nnew\n')).toBe(
      '# Benchmarks\n\nintro\n\n## Scale\n\nnew\n',
    );
  });

  it('does not take a heading that only starts with the name for it', () => {
    const file = '# B\n\n## Scale: other\n\nx\n';
    expect(replaceSection(file, '## Scale', '## Scale\n\nnew\n')).toBe(
      '# B\n\n## Scale: other\n\nx\n\n## Scale\n\nnew\n',
    );
  });
});
