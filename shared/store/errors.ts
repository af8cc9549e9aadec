/** A DynamoDB call of the result store failed for a reason other than a lost condition. */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly operation: string,
    readonly tableName: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`DynamoDB ${operation} on table ${tableName} failed: ${reason}`, { cause });
  }
}

/** The store was handed something it cannot key: a scheduled time that is not a date, a version below 1. */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}

/** The embedded DynamoDB (dynalite) could not be started, or its table could not be created. */
export class EmbeddedStoreError extends Error {
  override readonly name = 'EmbeddedStoreError';
}
