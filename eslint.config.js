// @ts-check
/**
 * Lint enforces the layers of STYLE.md ("imports point down, never up, never in a cycle"):
 *   src-shared/   pure TypeScript: no node:*, electron, react, pg, PGlite, nor src-main/src-renderer
 *   src-renderer/ src-shared only: no node:*, no electron, no src-main
 *   src-main/core plain Node: no electron, no shell/preload
 * plus type-aware rules (floating promises), type-only imports, no import cycles,
 * and no console.* in product code (src-main/cli/ excepted; tests, scripts, bench, examples free).
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const TS_FILES = ['**/*.{ts,tsx,mts,cts}'];
const JS_FILES = ['**/*.{js,mjs,cjs}'];
const TEST_FILES = ['**/*.test.{ts,tsx}', 'e2e/**', 'test/**'];

/** Packages by layer. `node:*` and bare builtins (`fs`) are caught by the patterns below. */
const NODE_BUILTINS = {
  group: ['node:*'],
  message: 'Node built-ins are not allowed in this layer (see STYLE.md "Layers").',
};
const DEVICE_ONLY_PACKAGES = ['electron', 'pg', '@electric-sql/pglite', 'pino', 'chokidar'].map(
  (name) => ({ name, message: `'${name}' belongs to src-main (see STYLE.md "Layers").` }),
);
const UI_PACKAGES = ['react', 'react-dom', 'zustand'].map((name) => ({
  name,
  message: `'${name}' belongs to src-renderer (see STYLE.md "Layers").`,
}));

export default tseslint.config(
  {
    ignores: [
      '.scratch-*',
      '.scratch-*/**',
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/.data/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },

  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: TS_FILES })),
  {
    files: TS_FILES,
    languageOptions: {
      parserOptions: {
        // Finds each file's tsconfig through the solution-style tsconfig.json.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Config and other plain JS files are not in a tsconfig: no type-aware rules there.
    files: JS_FILES,
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly' },
    },
  },

  // Imports: cycles and layer zones, resolved the way TypeScript resolves them (`./x.js` -> x.ts).
  {
    files: [...TS_FILES, ...JS_FILES],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.cts', '.mts', '.js', '.jsx', '.cjs', '.mjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.cts', '.mts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: './tsconfig.json',
          alwaysTryTypes: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src-shared',
              from: ['./src-main', './src-renderer'],
              message: 'src-shared is the bottom layer: it imports nothing from main or renderer.',
            },
            {
              target: './src-renderer',
              from: './src-main',
              message: 'The renderer talks to main only through the IPC client (src-shared/ipc).',
            },
            {
              target: './src-main',
              from: './src-renderer',
              message: 'Main never imports renderer code.',
            },
            {
              target: './src-main/core',
              from: ['./src-main/shell', './src-main/preload'],
              message: 'The core is plain Node: the Electron shell sits on top of it, not below.',
            },
          ],
        },
      ],
    },
  },

  // Package restrictions per layer (one block per layer: later blocks would replace the rule).
  {
    files: ['src-shared/**/*.{ts,tsx}'],
    ignores: TEST_FILES,
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'no-restricted-imports': [
        'error',
        { paths: [...DEVICE_ONLY_PACKAGES, ...UI_PACKAGES], patterns: [NODE_BUILTINS] },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: TEST_FILES,
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'no-restricted-imports': [
        'error',
        { paths: DEVICE_ONLY_PACKAGES, patterns: [NODE_BUILTINS] },
      ],
    },
  },
  {
    files: ['src-main/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'src-main/core never imports electron; the shell wraps the core.',
            },
            ...UI_PACKAGES,
          ],
        },
      ],
    },
  },

  // No stray console.* in product code; the CLI prints by design, tests may print seeds.
  {
    files: ['src-*/**/*.{ts,tsx}'],
    ignores: ['src-main/cli/**', ...TEST_FILES],
    rules: { 'no-console': 'error' },
  },
);
