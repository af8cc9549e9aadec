/**
 * A secret is always a reference, never a value: a Secrets Manager secret (optionally one JSON key of it) or, for
 * local runs, an environment variable. Kept free of the schema library: the Lambda bundles import it.
 */
export type SecretRef = { secret: string; key?: string } | { env: string };

export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `env:${ref.env}` : `secret:${ref.secret}${ref.key ? `#${ref.key}` : ''}`;
}
