/**
 * ESLint 8 configuration (ESLint 10 dropped .eslintrc). Besides the TypeScript rules it
 * enforces the layer boundaries of DESIGN.md:
 *   container/  imports nothing from src/ or decorators/
 *   decorators/ imports nothing from src/
 *   e2e/, sample-app/ use only the public entry points 'weft' and 'weft/testing'
 */
const noDeepImports = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2023, sourceType: 'module' },
  plugins: ['@typescript-eslint'],
  extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended'],
  env: { node: true, es2023: true },
  ignorePatterns: ['dist/', 'node_modules/', 'coverage/'],
  rules: {
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    'no-console': 'off',
    eqeqeq: ['error', 'always', { null: 'ignore' }],
  },
  overrides: [
    {
      files: ['container/**/*.ts'],
      rules: noDeepImports(['**/src/**', '**/decorators/**', 'weft', 'weft/*'], 'container/ is the DI core: it must not import from src/ or decorators/.'),
    },
    {
      files: ['decorators/**/*.ts'],
      rules: noDeepImports(['**/src/**', 'weft', 'weft/*'], 'decorators/ only record metadata: it must not import from src/.'),
    },
    {
      files: ['e2e/**/*.ts', 'sample-app/**/*.ts'],
      rules: noDeepImports(['**/src/**', '**/src', '**/container/**', '**/decorators/**'], "Use the public entry points: import from 'weft' or 'weft/testing'."),
    },
    {
      files: ['**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
      rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
    },
    {
      files: ['*.cjs', '*.js', 'bench/**/*.js', '.ci/**'],
      parser: 'espree',
      parserOptions: { ecmaVersion: 2023, sourceType: 'script' },
      rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-var-requires': 'off' },
    },
  ],
};
