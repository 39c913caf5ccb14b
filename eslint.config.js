/**
 * ESLint: typescript-eslint's strict type-checked rules on every TypeScript file (the libraries,
 * their tests, test/, tools/src), ESLint's recommended rules on the JavaScript scripts (bench/,
 * tools/*.mjs, the bin/ shims). Formatting is Prettier's (.prettierrc.json), so no formatting
 * rules here except the line length Prettier cannot enforce (comments). Why these tools and this
 * width: docs/decisions.md. Type information comes from tsconfig.eslint.json, which includes the
 * tests that the packages' build tsconfigs leave out; imports of other workspace packages resolve
 * to their built dist/*.d.ts, as for tsc, so run it after `npm run build` (npm test does).
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The line length limit; the same number as printWidth in .prettierrc.json. */
const MAX_LINE_LENGTH = 140;

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    'coverage/',
    '.nx/',
    'out/',
    'bench/data/',
    'demo-output/',
    'test/golden/',
    'test/fastq-cases/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{ts,js,mjs}'],
    extends: [js.configs.recommended],
    rules: {
      // Prettier wraps code at printWidth; it leaves comments and string literals alone. This
      // catches the comments (and any code Prettier could not wrap); a line with a string, a
      // template or a regular expression is exempt, so error messages stay whole and greppable.
      // max-len is frozen in ESLint core (formatting rules moved to @stylistic, whose current
      // release needs Node ≥ 20.19), but it is kept and works in ESLint 9.
      'max-len': [
        'error',
        { code: MAX_LINE_LENGTH, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Hot loops index typed arrays and arrays of records and assert the element with `!`
      // (`offsets[i]!`), written as if noUncheckedIndexedAccess were on. The first rule below
      // forbids every `!` (599 at the time of writing), the second would delete the 483 that the
      // option being off makes redundant; the `!` documents the invariant, and turning the option
      // on will need it.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // With noUncheckedIndexedAccess off, the type checker believes every indexed read is defined,
      // so this rule calls `table[key] ?? fallback` and the like "unnecessary" when they are not.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Numbers and booleans in messages are the point of a template; the strict default forbids them.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `() => progress.update(n)` as a callback is the house style; braces add nothing.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // No-op callbacks (`() => {}`) are deliberate: sinks that drop, handlers that swallow.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
      // A sink returns `void | 'stop'`: nothing, or a request to stop.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // Rethrowing a stored failure (caught as `unknown`) is correct; literals are still refused.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
);
