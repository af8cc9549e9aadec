import type { CauseTable } from './types';

/** Causes named by the `dns` probe. Ids start with `dns.`. */
export const dnsCauses = {} as const satisfies CauseTable;
