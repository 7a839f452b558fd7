import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Workflow code is replayed from history, so it may only import what is deterministic:
// the workflow SDK, shared types and pure helpers. Node built-ins and I/O libraries would
// make a replay diverge from the original run.
const nondeterministicImports = {
  paths: [
    ...builtinModules,
    ...builtinModules.map((m) => `node:${m}`),
    '@temporalio/activity',
    '@temporalio/client',
    '@temporalio/worker',
    'nodemailer',
    'liquidjs',
  ],
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are not deterministic; use an activity.' },
    {
      group: ['**/activities/**', '**/api/**', '**/ingest/**', '**/config*'],
      message: 'Side effects belong in activities.',
    },
    {
      // Only the pure helpers of the flow model may be used at run time; types are free.
      group: [
        '**/flows/*',
        '!**/flows/where',
        '!**/flows/duration',
        '!**/flows/edges',
        '!**/flows/templateContext',
        '!**/flows/split',
        '!**/flows/sendWindow',
      ],
      allowTypeImports: true,
      message:
        'Only pure flow helpers (where, duration, edges, templateContext, split, sendWindow) may run inside a workflow.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules', 'lib', 'bench/results', 'test/artifacts', 'src/page/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', nondeterministicImports],
      'no-restricted-globals': ['error', 'process', 'setImmediate', 'fetch', 'require'],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // Tests read JSON replies field by field; typing each reply would only restate the API.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
