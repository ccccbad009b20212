import ignore, { type Ignore } from 'ignore';

/**
 * The folder's ignore file, at its root, gitignore syntax. Each device's own, as Syncthing's
 * `.stignore`: a built-in ignore, so it is never recorded, never written from a peer, and a copy
 * an earlier version synced stays on every device as it is (a path that becomes ignored leaves
 * the index, not the store: no device records a deletion). Only the root's file is read; one in
 * a subfolder is an ordinary file.
 */
export const IGNORE_FILE = '.netguardianignore';

/** Our own temp files during atomic writes: never synced, never scanned. */
export const TEMP_PREFIX = '.ng-tmp-';

/**
 * Always ignored, whatever the ignore file says (a `!` rule never re-includes one of these):
 * - temp and partial files that editors, browsers and office suites leave while they work
 *   (syncing them would only spread half-written data), and the OS's folder litter;
 * - a git repository's own folder (`.git`, or the `.git` file of a worktree or submodule):
 *   hooks and config there are run by git, so a peer's content there would be configuration;
 * - our own files: temp files, the folder's marker and the ignore file, each device's own.
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
  '.git',
  // The folder's marker (folderMarker.ts: MARKER_FILE): each device's own, never synced.
  '/.netguardian-folder',
  `/${IGNORE_FILE}`,
];

/** Paths a matcher answers before it starts afresh (see `BoundedMatcher`). */
export const MATCHER_CACHE_PATHS = 20_000;

/**
 * An `ignore` matcher whose memory stays bounded. The package remembers the answer for every
 * path it is asked (and for each folder above it) for as long as the matcher lives, and a
 * device's rules live as long as the device: memory grew by about 250 bytes per file, and a
 * rescan of 1,000,000 files ran out of a 200 MB heap in that cache alone. After
 * `MATCHER_CACHE_PATHS` answers the matcher is made again from its rules (a few microseconds),
 * which keeps the cache's help for the folders of a walk and drops what it held.
 */
class BoundedMatcher {
  private matcher: Ignore;
  private answered = 0;

  constructor(private readonly rules: readonly string[]) {
    this.matcher = BoundedMatcher.compile(rules);
  }

  private static compile(rules: readonly string[]): Ignore {
    return ignore({ allowRelativePaths: false }).add([...rules]);
  }

  ignores(relPath: string): boolean {
    if (++this.answered > MATCHER_CACHE_PATHS) {
      this.matcher = BoundedMatcher.compile(this.rules);
      this.answered = 1;
    }
    return this.matcher.ignores(relPath);
  }
}

/**
 * Decides whether a path (relative, POSIX) is ignored. Directories are asked
 * with a trailing slash so that `build/` rules match them.
 *
 * Two matchers: the built-ins and the ignore file's rules. A path is ignored when either says
 * so, so the file's negations (`!.git/`) only ever re-include what the file itself left out.
 */
export class IgnoreRules {
  private readonly builtins: BoundedMatcher;
  private readonly own: BoundedMatcher;
  readonly userRules: readonly string[];

  private constructor(userRules: readonly string[]) {
    this.userRules = userRules;
    this.builtins = new BoundedMatcher(BUILTIN_IGNORES);
    this.own = new BoundedMatcher(userRules);
  }

  static fromText(text: string | undefined): IgnoreRules {
    const rules = (text ?? '')
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
    return new IgnoreRules(rules);
  }

  ignoresFile(relPath: string): boolean {
    return this.builtins.ignores(relPath) || this.own.ignores(relPath);
  }

  ignoresDir(relPath: string): boolean {
    const dir = relPath.endsWith('/') ? relPath : `${relPath}/`;
    return this.builtins.ignores(dir) || this.own.ignores(dir);
  }

  /**
   * Whether the folder watcher leaves a path out: what is ignored, except the ignore file
   * itself, whose changes the device must hear of to reload its rules (it is still never
   * recorded: the scanner asks `excludes`).
   */
  watcherSkips(relPath: string, isDir: boolean): boolean {
    if (!isDir && relPath === IGNORE_FILE) return false;
    return isDir ? this.ignoresDir(relPath) : this.ignoresFile(relPath);
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
