/** BENCHMARKS.md is made of `## ` sections; a section run on its own replaces only its own. */

/**
 * `current` with the section under `heading` (up to the next `## ` heading) replaced by
 * `section`, or `section` appended when there is none yet.
 */
export function replaceSection(current: string, heading: string, section: string): string {
  const start = current.indexOf(`\n${heading}\n`);
  if (start < 0) return `${current.trimEnd()}\n\n${section}`;
  const next = current.indexOf('\n## ', start + heading.length + 1);
  const rest = next < 0 ? '' : current.slice(next);
  return `${current.slice(0, start + 1)}${section}${rest}`;
}
