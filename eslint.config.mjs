// The linter `npm test` runs. Its rules are the anchors' (cdk8s-plus's .eslintrc.json): imports
// in groups and alphabetical order, lines up to 150 characters (strings, templates, comments,
// URLs and regular expressions may run longer), and two that catch real bugs: no explicit `any`,
// no promise left floating (an unawaited write or check whose failure nobody sees).
import stylistic from '@stylistic/eslint-plugin';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated (`cdk8s import`), vendored, written or scratch: not ours to lint.
  { ignores: ['imports/**', 'node_modules/**', 'dist/**', 'flux/**', 'vendor/**', '.cache/**', '.cdk8s.out/**', '.bench/**', '.astrago/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX, '@stylistic': stylistic },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/order': ['error', {
        groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
        alphabetize: { order: 'asc', caseInsensitive: true },
      }],
      'import-x/no-duplicates': 'error',
      '@stylistic/max-len': ['error', {
        code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true, ignoreRegExpLiterals: true,
      }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
);
