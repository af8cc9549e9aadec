import type { CauseTable } from './types';

/** Causes named by the `smtp` probe. Ids start with `smtp.`. */
export const smtpCauses = {} as const satisfies CauseTable;
