/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Tests against servers a system package provides: `npm run test:servers` (jest.servers.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/servers/'],
  // Type-checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles. The age
  // implementation and its crypto libraries ship as ES modules only: jest's CommonJS runtime
  // needs them transpiled too (Node itself loads them with require() from 20.19 on).
  transform: {
    '^.+\\.[jt]s$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node16', ignoreDeprecations: '6.0' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(age-encryption|@noble|@scure|@kanru/rage-wasm)/)'],
  // rage (the Rust age, as WebAssembly) names its ES module only in "module", which jest does not read.
  moduleNameMapper: { '^@kanru/rage-wasm$': '<rootDir>/node_modules/@kanru/rage-wasm/dist/index.js' },
  // Two workers for the two cores of the project's machines (jest's default leaves one idle).
  maxWorkers: 2,
  testTimeout: 60000,
};
