// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, a few
// type-aware ones, and the project's habits (issue 13): no `any`, no unused names, type
// imports marked as such, the store never importing the layers above it, and no file under
// src/ over about 300 lines without a reason. A file that has one says so at its top:
//   /* eslint-disable max-lines -- <the reason> */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'src/graphql/generated/**',
      'src/ontology/generated/**',
      'node_modules/**',
      'data/**',
      'test-artifacts/**',
      '.scratch/**',
      'test/neo4j-server/target/**',
      'dist/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware rules that catch real bugs and cost little: a promise nobody awaits, a
      // promise where a value or a boolean is expected, `await` on something not thenable.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Layering: the store is below the write pipeline and the API, and never imports them.
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\.?/(?:.*/)?(?:import|ingest|graphql|http|cli|writes/(?!curation/|load/))',
              message:
                'src/store/ is below the API, the CLI and the sources of writes: it may use only the write rules it runs in its transactions (src/writes/curation/, src/writes/load/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/graphql/generated/**'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Plain browser scripts served as they are (no bundler, no modules).
    files: ['src/http/explorer/*.js', 'src/http/network-view/*.js'],
    languageOptions: {
      sourceType: 'script',
      ecmaVersion: 2020,
      globals: { ...globals.browser, GraphiQL: 'readonly', React: 'readonly', ReactDOM: 'readonly', cytoscape: 'readonly' },
    },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
);
