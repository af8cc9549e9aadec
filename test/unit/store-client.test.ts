import { createDocumentClient } from '../../shared/store/remote';

describe('the store client', () => {
  it("leaves out the SDK's logger middleware, which copies every response for a logger that logs nothing", () => {
    const client = createDocumentClient({ region: 'local' });
    const stack = client.middlewareStack.identify();
    expect(stack.some((m) => m.startsWith('loggerMiddleware'))).toBe(false);
    // The rest of the stack is there: the request is still serialized, signed and retried.
    expect(stack.some((m) => m.startsWith('retryMiddleware'))).toBe(true);
  });
});
