/**
 * A small, deterministic line diff (Myers' O(ND) algorithm) rendered as a unified diff. Used to show a file that
 * changed during a conversation as "changes since shown earlier" instead of its whole text again: the earlier
 * turns stay byte-identical (append-only, cache-friendly) and the new turn costs only the changed lines.
 */

type Op = { readonly type: ' ' | '-' | '+'; readonly line: string; readonly oldIndex: number; readonly newIndex: number };

function splitLines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/**
 * The shortest edit script between a[lo..] and b[lo..] (after common prefix/suffix were removed), or undefined
 * when it needs more than `maxEdits` inserted + deleted lines.
 */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  const limit = Math.min(max, maxEdits);
  for (let d = 0; d <= limit; d++) {
    // Snapshot of v for k in [-d-1, d+1], as it was before step d.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        return backtrack(a, b, trace, d);
      }
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[], last: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = last; d >= 0; d--) {
    const snap = trace[d];
    const at = (k: number) => snap[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ type: ' ', line: a[x], oldIndex: x, newIndex: y });
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push({ type: '+', line: b[prevY], oldIndex: prevX, newIndex: prevY });
      } else {
        ops.push({ type: '-', line: a[prevX], oldIndex: prevX, newIndex: prevY });
      }
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

/** Options of unifiedDiff. */
export interface DiffOptions {
  /** Unchanged lines shown around each change (default 3). */
  readonly context?: number;
  /** Give up (return undefined) above this many inserted + deleted lines (default 400). */
  readonly maxEdits?: number;
}

/**
 * A unified diff (hunks only, no file headers) from `oldText` to `newText`; '' when they are equal; undefined
 * when the texts differ in more than `maxEdits` lines (the caller then shows the whole new text).
 */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions = {}): string | undefined {
  if (oldText === newText) {
    return '';
  }
  const context = options.context ?? 3;
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) {
    pre++;
  }
  let post = 0;
  while (post < a.length - pre && post < b.length - pre && a[a.length - 1 - post] === b[b.length - 1 - post]) {
    post++;
  }
  const middle = myers(a.slice(pre, a.length - post), b.slice(pre, b.length - post), options.maxEdits ?? 400);
  if (!middle) {
    return undefined;
  }
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) {
    ops.push({ type: ' ', line: a[i], oldIndex: i, newIndex: i });
  }
  for (const op of middle) {
    ops.push({ ...op, oldIndex: op.oldIndex + pre, newIndex: op.newIndex + pre });
  }
  for (let i = 0; i < post; i++) {
    const oldIndex = a.length - post + i;
    ops.push({ type: ' ', line: a[oldIndex], oldIndex, newIndex: b.length - post + i });
  }
  return renderHunks(ops, context);
}

function renderHunks(ops: readonly Op[], context: number): string {
  const changes: number[] = [];
  ops.forEach((op, i) => {
    if (op.type !== ' ') changes.push(i);
  });
  const out: string[] = [];
  let c = 0;
  while (c < changes.length) {
    const start = Math.max(0, changes[c] - context);
    let endChange = changes[c];
    while (c + 1 < changes.length && changes[c + 1] - endChange <= 2 * context + 1) {
      c++;
      endChange = changes[c];
    }
    c++;
    const end = Math.min(ops.length - 1, endChange + context);
    const hunk = ops.slice(start, end + 1);
    const oldCount = hunk.filter((op) => op.type !== '+').length;
    const newCount = hunk.filter((op) => op.type !== '-').length;
    const first = hunk[0];
    const oldStart = oldCount === 0 ? first.oldIndex : first.oldIndex + 1;
    const newStart = newCount === 0 ? first.newIndex : first.newIndex + 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of hunk) {
      out.push(`${op.type}${op.line}`);
    }
  }
  return out.join('\n');
}
