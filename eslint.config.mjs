// Lint carries the style: no floating promises on the hot path, type-only imports
// kept separate so the emitted require() list is exactly what runs at cold start.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Outside shared/tracing the library is used as a stranger uses it: by its package name
// (tests and benchmarks reach its internals through the package's internal/* entry). A
// path into shared/tracing would load a second copy of its module state.
const TRACING_BY_PATH = {
  group: ['**/shared/tracing', '**/shared/tracing/**', '../tracing', '../tracing/**', './tracing', './tracing/**'],
  message: 'import the tracing library by its package name (cloud-functions-otel-tracing), not by path',
};

export default tseslint.config(
  // The project is TypeScript; plain .js files are only tiny runtime fixtures (bench floor, tests)
  // and the two files that must run before any build (scripts/launch.mjs, scripts/installNote.cjs).
  { ignores: ['dist/', 'shared/tracing/dist/', 'node_modules/', 'reports/', '.stack/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // import() type annotations stay allowed: lazy require() of optional exporters needs them.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Imports flow one way: functions/ -> shared/. shared/ never reaches back.
    files: ['shared/**/*.ts'],
    ignores: ['shared/tracing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/functions/**', '**/scripts/**', '**/test/**'], message: 'shared/ must not import functions/, scripts/ or test/' }, TRACING_BY_PATH] },
      ],
    },
  },
  {
    // The tracing library is a package of its own (shared/tracing/package.json): it imports
    // packages and its own files only, nothing else of the project.
    files: ['shared/tracing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['..', '../*', '../**'], message: 'shared/tracing/ imports nothing outside itself (packages and ./ files only)' }] },
      ],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/scripts/**', '**/test/**'], message: 'functions/ may import shared/ only' }, TRACING_BY_PATH] },
      ],
    },
  },
  {
    files: ['scripts/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [TRACING_BY_PATH] }],
    },
  },
);
