/** Imported first by extension.ts, so this runs when the bundle starts evaluating. */
export const bundleLoadStartedAt = performance.now();
