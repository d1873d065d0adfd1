/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Type-checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles. The age
  // implementation and its crypto libraries ship as ES modules only: jest's CommonJS runtime
  // needs them transpiled too (Node itself loads them with require() from 20.19 on).
  transform: {
    '^.+\\.[jt]s$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node16', ignoreDeprecations: '6.0' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(age-encryption|@noble|@scure)/)'],
  testTimeout: 60000,
};
