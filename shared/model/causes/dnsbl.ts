import type { CauseTable } from './types';

/** Causes named by the `dnsbl` probe. Ids start with `dnsbl.`. */
export const dnsblCauses = {} as const satisfies CauseTable;
