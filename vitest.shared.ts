// Shared vitest settings: tests run against each package's TypeScript source through the
// "@difflm/source" export condition, so no build is needed before testing.
import type { UserWorkspaceConfig } from 'vitest/config';

const conditions = ['@difflm/source', 'import', 'module', 'node', 'default'];

export function sharedProject(name: string, extra: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@difflm/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...extra,
    },
  };
}
