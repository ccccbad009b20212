import ignore, { type Ignore } from 'ignore';

/** The ignore file at the folder root, gitignore syntax. */
export const IGNORE_FILE = '.netguardianignore';

/** Our own temp files during atomic writes: never synced, never scanned. */
export const TEMP_PREFIX = '.ng-tmp-';

/**
 * Temp and partial files that editors, browsers and office suites leave
 * while they work: syncing them would only spread half-written data.
 */
export const BUILTIN_IGNORES: readonly string[] = [
  `${TEMP_PREFIX}*`,
  '*.tmp',
  '*.temp',
  '*.swp',
  '*.swx',
  '*~',
  '.#*',
  '#*#',
  '~$*',
  '.~lock.*#',
  '*.part',
  '*.partial',
  '*.crdownload',
  '*.download',
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
  '.Trash-*/',
  '.git/',
  // The folder's marker (folderMarker.ts: MARKER_FILE): each device's own, never synced.
  '/.netguardian-folder',
];

/**
 * Decides whether a path (relative, POSIX) is ignored. Directories are asked
 * with a trailing slash so that `build/` rules match them.
 */
export class IgnoreRules {
  private readonly matcher: Ignore;
  readonly userRules: readonly string[];

  private constructor(userRules: readonly string[]) {
    this.userRules = userRules;
    this.matcher = ignore({ allowRelativePaths: false }).add([...BUILTIN_IGNORES, ...userRules]);
  }

  static fromText(text: string | undefined): IgnoreRules {
    const rules = (text ?? '')
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
    return new IgnoreRules(rules);
  }

  ignoresFile(relPath: string): boolean {
    return this.matcher.ignores(relPath);
  }

  ignoresDir(relPath: string): boolean {
    return this.matcher.ignores(relPath.endsWith('/') ? relPath : `${relPath}/`);
  }

  /**
   * Whether an entry is left out on this device: our temp files, or a rule on
   * the path itself or on a folder above it. The scanner, the materializer and
   * the file list all ask this, so they agree on what this device never writes.
   */
  excludes(relPath: string, isDir: boolean): boolean {
    if (relPath.slice(relPath.lastIndexOf('/') + 1).startsWith(TEMP_PREFIX)) return true;
    for (let i = relPath.indexOf('/'); i !== -1; i = relPath.indexOf('/', i + 1))
      if (this.ignoresDir(relPath.slice(0, i))) return true;
    return isDir ? this.ignoresDir(relPath) : this.ignoresFile(relPath);
  }
}
