/**
 * Parsing `WWW-Authenticate` headers (RFC 7235): one or more challenges, each a scheme and
 * either auth-params (`realm="…", service="…"`) or a token68. Registries send
 * `Bearer realm=…,service=…,scope=…` or `Basic realm=…`. Not for building headers.
 */

export interface Challenge {
  /** Lower-cased scheme, e.g. `bearer` or `basic`. */
  scheme: string;
  /** Parameters with lower-cased names; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parse every challenge in a header value; unparseable tails are ignored. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  let s = header;
  let current: Challenge | undefined;
  const skip = (re: RegExp) => {
    const m = re.exec(s);
    if (m) s = s.slice(m[0].length);
    return m;
  };
  while (s.length > 0) {
    skip(/^[\s,]+/);
    if (s.length === 0) break;
    const tok = skip(TOKEN);
    if (!tok) break;
    // token followed by '=' (not '==' token68 padding followed by end) is a param of the current challenge
    const afterWs = /^\s*=\s*/.exec(s);
    if (current && afterWs && !/^\s*=+\s*(,|$)/.test(s)) {
      s = s.slice(afterWs[0].length);
      let value: string;
      if (s.startsWith('"')) {
        let i = 1;
        value = "";
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        s = s.slice(i + 1);
      } else {
        const v = skip(/^[^,\s]*/);
        value = v ? v[0] : "";
      }
      current.params[tok[0].toLowerCase()] = value;
      continue;
    }
    current = { scheme: tok[0].toLowerCase(), params: {} };
    out.push(current);
    // token68 form: scheme followed by a single token68 value
    const t68 = /^\s+([A-Za-z0-9\-._~+/]+=*)\s*(,|$)/.exec(s);
    if (t68 && !/^\s+[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(s)) {
      current.params.token68 = t68[1];
      s = s.slice(t68[0].length);
    }
  }
  return out;
}

/** The first Bearer challenge, or else the first Basic one. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

/** Scope string for a repository, e.g. `repository:library/nginx:pull`. */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}
