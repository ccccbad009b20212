/**
 * Whether the CLI bundle is what `bin/netguardian.mjs` runs (scripts/cliBundle.mjs: the same
 * rule bin uses), so a timing taken while someone edited a source (the bundle went stale) is
 * seen and taken again.
 */
export { bundleIsFresh as cliBundleIsFresh } from '../../scripts/cliBundle.mjs';
