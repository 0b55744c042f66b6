import type { Config } from 'jest';

/**
 * Two projects: `unit` runs the tests that sit beside their sources, `e2e` the black-box
 * tests in e2e/. TypeScript is transpiled by ts-jest without type information (the
 * `typecheck` script does that once for the whole tree). inversify 8 ships as ES modules
 * only, so its files are transformed to CommonJS too.
 */
const esmOnly = ['inversify', '@inversifyjs'].join('|');

const shared: Config = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly})/)`],
  moduleNameMapper: {
    '^weft$': '<rootDir>/src/index.ts',
    '^weft/testing$': '<rootDir>/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: ['reflect-metadata'],
};

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/src', '<rootDir>/container', '<rootDir>/decorators', '<rootDir>/sample-app', '<rootDir>/bench'],
      testMatch: ['**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e.test.ts'],
    },
  ],
};

export default config;
