import type { Config } from 'jest';

// inversify 8, kysely 0.29, jose 6, uuid and PGlite ship ESM only; the project stays CommonJS and swc
// transforms them. swc (not ts-jest) because it emits decorator metadata without a type-check pass;
// `npm run typecheck` does the type-checking.
const esmOnly = ['inversify', '@inversifyjs', 'kysely', 'jose', 'uuid', '@electric-sql/pglite'];

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib', '<rootDir>/internal', '<rootDir>/pkg', '<rootDir>/cmd', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj|cj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  testTimeout: 30_000,
  // PGlite instances are memory-hungry; two workers match the two cores here.
  maxWorkers: 2,
};

export default config;
