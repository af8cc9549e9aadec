/**
 * A secret is always a reference, never a value: a Secrets Manager secret (optionally one JSON key of it) or, for
 * local runs, an environment variable. Kept free of the schema library: the Lambda bundles import it.
 */
export type SecretRef = { secret: string; key?: string } | { env: string };

/** Resolves a secret reference to its value. Values must only ever be handed to the protocol and to redaction. */
export type SecretResolver = (ref: SecretRef) => Promise<string>;

export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `env:${ref.env}` : `secret:${ref.secret}${ref.key ? `#${ref.key}` : ''}`;
}

function isSecretRef(value: object): value is SecretRef {
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  if (typeof v.env === 'string') return keys.length === 1;
  return (
    typeof v.secret === 'string' &&
    keys.every((k) => k === 'secret' || (k === 'key' && typeof v.key === 'string'))
  );
}

/** Every secret reference inside a config value (a target, a group, a part of the config), each once. */
export function secretRefsIn(value: unknown): SecretRef[] {
  const found = new Map<string, SecretRef>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (isSecretRef(v)) found.set(describeSecretRef(v), v);
      else Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return [...found.values()];
}

/** Every secret that sits beside a `user` (AUTH credentials): its encodings include the user name. */
export function loginsIn(value: unknown): { user: string; ref: SecretRef }[] {
  const found: { user: string; ref: SecretRef }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const user = (v as { user?: unknown }).user;
      for (const field of Object.values(v)) {
        if (typeof user === 'string' && field && typeof field === 'object' && isSecretRef(field))
          found.push({ user, ref: field });
        else walk(field);
      }
    }
  };
  walk(value);
  return found;
}
