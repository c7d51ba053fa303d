/** Two projects: unit tests never open a socket; integration tests share one real broker. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
  // The build copies package.json into dist/: keep jest's module map free of the duplicate.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/spec/unit/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/spec/integration/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
      globalSetup: '<rootDir>/spec/support/global-setup.ts',
      globalTeardown: '<rootDir>/spec/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/spec/support/integration-timeout.ts'],
    },
  ],
};
