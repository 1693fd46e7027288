// Lint carries the style: no floating promises on the hot path, type-only imports
// kept separate so the emitted require() list is exactly what runs at cold start.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The project is TypeScript; plain .js files are only tiny runtime fixtures (bench floor, tests)
  // and the two files that must run before any build (scripts/launch.mjs, scripts/installNote.cjs).
  { ignores: ['dist/', 'node_modules/', 'reports/', '.stack/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
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
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/functions/**', '**/scripts/**', '**/test/**'], message: 'shared/ must not import functions/, scripts/ or test/' }] },
      ],
    },
  },
  {
    // The tracing library is self-contained: a user copies or installs shared/tracing alone,
    // so it imports packages and its own files only, nothing else of the project.
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
        { patterns: [{ group: ['**/scripts/**', '**/test/**'], message: 'functions/ may import shared/ only' }] },
      ],
    },
  },
);
