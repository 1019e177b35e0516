/**
 * A lazily created value that is kept once it exists, but not when creating it failed: the next call tries
 * again (e.g. the redactor, whose salt comes from a secret storage that can fail now and work later).
 * Concurrent calls while one attempt is running share it.
 */
export function onceSucceeded<T>(create: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    if (!current) {
      const attempt = create();
      current = attempt;
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
    }
    return current;
  };
}
