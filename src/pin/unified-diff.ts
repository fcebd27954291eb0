/**
 * A unified diff (`diff -u` style, 3 lines of context) between two texts. Pinning never
 * changes the number of lines, so lines are compared position by position; for texts of
 * different lengths a plain LCS alignment is used.
 */

type Op = { kind: " " | "-" | "+"; line: string; a: number; b: number };

function align(a: string[], b: string[]): Op[] {
  if (a.length === b.length) {
    const ops: Op[] = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) ops.push({ kind: " ", line: a[i], a: i, b: i });
      else {
        ops.push({ kind: "-", line: a[i], a: i, b: i });
        ops.push({ kind: "+", line: b[i], a: i, b: i });
      }
    }
    // move '+' lines after consecutive '-' lines, as diff -u does
    const out: Op[] = [];
    for (let i = 0; i < ops.length; ) {
      if (ops[i].kind === " ") {
        out.push(ops[i++]);
        continue;
      }
      const minus: Op[] = [];
      const plus: Op[] = [];
      while (i < ops.length && ops[i].kind !== " ") {
        (ops[i].kind === "-" ? minus : plus).push(ops[i]);
        i++;
      }
      out.push(...minus, ...plus);
    }
    return out;
  }
  // LCS (quadratic; only for small, unequal inputs)
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: " ", line: a[i], a: i++, b: j++ });
    else if (j < m && (i >= n || dp[i][j + 1] >= dp[i + 1][j]))
      ops.push({ kind: "+", line: b[j], a: i, b: j++ });
    else ops.push({ kind: "-", line: a[i], a: i++, b: j });
  }
  return ops;
}

export function unifiedDiff(
  oldText: string,
  newText: string,
  oldName: string,
  newName: string,
  context = 3,
): string {
  if (oldText === newText) return "";
  const a = oldText.split("\n");
  const b = newText.split("\n");
  const ops = align(a, b);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k].kind === " ") k++;
    if (k >= ops.length) break;
    let start = Math.max(0, k - context);
    // extend the hunk while changes are within 2*context of each other
    let end = k;
    for (;;) {
      while (end < ops.length && ops[end].kind !== " ") end++;
      let next = end;
      while (next < ops.length && ops[next].kind === " ") next++;
      if (next < ops.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      break;
    }
    const stop = Math.min(ops.length, end + context);
    while (start > 0 && ops[start].kind !== " ") start--;
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((o) => o.kind !== "+").length;
    const bCount = hunk.filter((o) => o.kind !== "-").length;
    const aStart = hunk[0].a + (aCount > 0 ? 1 : 0);
    const bStart = hunk[0].b + (bCount > 0 ? 1 : 0);
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
    k = stop;
  }
  return `${out.join("\n")}\n`;
}
