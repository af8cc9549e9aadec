import type { SecureContext } from 'node:tls';

/** TLS contexts by what they trust: building one parses every CA certificate, too costly to repeat per connection. */
const contexts = new Map<string, SecureContext>();
const MAX_CONTEXTS = 64;

/**
 * The context `build` makes for `key` (a kind of use and the CA bundle it trusts), built once per process (a Lambda
 * container, a CLI run) and kept, at most MAX_CONTEXTS of them, the oldest dropped first.
 */
export function cachedSecureContext(key: string, build: () => SecureContext): SecureContext {
  let context = contexts.get(key);
  if (!context) {
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    context = build();
    contexts.set(key, context);
  }
  return context;
}
