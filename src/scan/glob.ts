/**
 * `*` wildcards for package names and purls in ignore files and policy ignores: `*` matches
 * any run of characters (including `/`), everything else is literal, the whole text must match.
 */
export function globMatch(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === text;
  if (!text.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i], at);
    if (found === -1) return false;
    at = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return text.length - at >= last.length && text.endsWith(last);
}
