/** Types of scripts/cliBundle.mjs. */
export declare const REPO: string;
export declare const BUNDLE_DIR: string;
export declare const BUNDLE_MAIN: string;
export declare const BUNDLE_INPUTS: string;
export declare function bundleIsFresh(): boolean;
