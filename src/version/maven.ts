/**
 * Maven versions, ordered like Apache Maven 3.8's `ComparableVersion`:
 * - the version is lower-cased and split into items on `.` and `-`, and where digits meet letters;
 * - `-` and every digit/letter transition open a nested list, so `1-1` is `[1, [1]]` and sorts
 *   below `1.1`;
 * - numbers compare as unbounded integers; qualifiers order
 *   alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp < anything else
 *   (unknown qualifiers compare alphabetically among themselves); `a1`, `b1`, `m1` are
 *   alpha-1, beta-1, milestone-1;
 * - trailing "null" items (0, "", ga/final/release, empty lists) are dropped, so `1.0.0` = `1`
 *   and `1-ga` = `1`; a missing item is padded with the null of the other side's kind.
 * Every non-empty string is a Maven version; the empty string and strings with whitespace or
 * control characters are refused here as almost certainly not meant to be versions.
 * Not for Maven 3.9+'s changed order of `final`/`sp` against other qualifiers (MNG-7714).
 */
import { InvalidVersionError } from "./errors.js";
import { compareDigitStrings, compareStrings, type VersionOrder, type VersionScheme } from "./scheme.js";

const SCHEME = "maven";

type Item = NumberItem | QualifierItem | ListItem;
interface NumberItem {
  kind: "number";
  /** Digits without leading zeros ("0" for zero). */
  digits: string;
}
interface QualifierItem {
  kind: "qualifier";
  value: string;
  /** Sort key: the index of a known qualifier, or "7-<value>" for an unknown one. */
  key: string;
}
interface ListItem {
  kind: "list";
  items: Item[];
}

/** The parsed form of a Maven version: a list of items. */
export interface MavenVersion {
  items: Item[];
}

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const ALIASES: Record<string, string> = { ga: "", final: "", release: "", cr: "rc" };
const RELEASE_KEY = String(QUALIFIERS.indexOf(""));

function qualifierKey(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function qualifier(raw: string, followedByDigit: boolean): QualifierItem {
  let v = raw;
  if (followedByDigit && v.length === 1) {
    if (v === "a") v = "alpha";
    else if (v === "b") v = "beta";
    else if (v === "m") v = "milestone";
  }
  v = Object.hasOwn(ALIASES, v) ? ALIASES[v]! : v;
  return { kind: "qualifier", value: v, key: qualifierKey(v) };
}

function numberItem(digits: string): NumberItem {
  return { kind: "number", digits: digits.replace(/^0+(?=\d)/, "") };
}

const ZERO: NumberItem = { kind: "number", digits: "0" };

function isNull(item: Item): boolean {
  switch (item.kind) {
    case "number":
      return item.digits === "0";
    case "qualifier":
      return item.key === RELEASE_KEY;
    case "list":
      return item.items.length === 0;
  }
}

/** Drop trailing null items, looking through trailing non-empty lists (Maven's normalize()). */
function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const last = items[i]!;
    if (isNull(last)) items.splice(i, 1);
    else if (last.kind !== "list") break;
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const REFUSED = /[\s\x00-\x1f\x7f]/;

export function parseMavenVersion(input: string): MavenVersion {
  if (input === "") throw new InvalidVersionError(SCHEME, input, "version is empty");
  if (REFUSED.test(input)) {
    throw new InvalidVersionError(SCHEME, input, "version contains whitespace or control characters");
  }
  const v = input.toLowerCase();
  const root: ListItem = { kind: "list", items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const openList = (): void => {
    const sub: ListItem = { kind: "list", items: [] };
    list.items.push(sub);
    list = sub;
    stack.push(sub);
  };
  const item = (digit: boolean, text: string): Item => (digit ? numberItem(text) : qualifier(text, false));

  let digit = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 46 /* . */ || c === 45 /* - */) {
      list.items.push(i === start ? ZERO : item(digit, v.slice(start, i)));
      start = i + 1;
      if (c === 45) openList();
    } else if (isDigit(c)) {
      if (!digit && i > start) {
        // A qualifier followed by a number (`alpha1`) becomes its own sub-list, so `.alpha1`
        // and `-alpha1` read alike.
        if (list.items.length > 0) openList();
        list.items.push(qualifier(v.slice(start, i), true));
        start = i;
        openList();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        list.items.push(numberItem(v.slice(start, i)));
        start = i;
        openList();
      }
      digit = false;
    }
  }
  if (v.length > start) {
    // Likewise a trailing qualifier: `2.0.abc` reads as `2-abc`.
    if (!digit && list.items.length > 0) openList();
    list.items.push(item(digit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return { items: root.items };
}

/** Compare an item with a missing one (`undefined`), following each item kind's rule. */
function compareItem(a: Item, b: Item | undefined): VersionOrder {
  switch (a.kind) {
    case "number":
      if (b === undefined) return a.digits === "0" ? 0 : 1; // 1.0 == 1, 1.1 > 1
      if (b.kind === "number") return compareDigitStrings(a.digits, b.digits);
      return 1; // 1.1 > 1-sp, 1.1 > 1-1
    case "qualifier":
      if (b === undefined) return compareStrings(a.key, RELEASE_KEY); // 1-rc < 1, 1-sp > 1
      if (b.kind === "qualifier") return compareStrings(a.key, b.key);
      return -1; // 1.any < 1.1, 1.any < 1-1
    case "list":
      if (b === undefined) {
        for (const x of a.items) {
          const c = compareItem(x, undefined);
          if (c !== 0) return c;
        }
        return 0;
      }
      if (b.kind === "number") return -1; // 1-1 < 1.0.x
      if (b.kind === "qualifier") return 1; // 1-1 > 1-sp
      return compareLists(a.items, b.items);
  }
}

function compareLists(a: Item[], b: Item[]): VersionOrder {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    const r = b[i];
    const c =
      l === undefined
        ? r === undefined
          ? 0
          : (-compareItem(r, undefined) as VersionOrder)
        : compareItem(l, r);
    if (c !== 0) return c;
  }
  return 0;
}

export function compareParsedMaven(a: MavenVersion, b: MavenVersion): VersionOrder {
  return compareLists(a.items, b.items);
}

/** Maven's canonical form of a version (as ComparableVersion.getCanonical()). */
export function canonicalMavenVersion(v: MavenVersion): string {
  const render = (items: Item[]): string => {
    let out = "";
    for (const it of items) {
      if (out.length > 0) out += it.kind === "list" ? "-" : ".";
      out += it.kind === "number" ? it.digits : it.kind === "qualifier" ? it.value : render(it.items);
    }
    return out;
  };
  return render(v.items);
}

export const mavenScheme: VersionScheme = {
  id: SCHEME,
  follows: "Apache Maven 3.8 (org.apache.maven.artifact.versioning.ComparableVersion)",
  validate(version) {
    try {
      parseMavenVersion(version);
      return undefined;
    } catch (e) {
      if (e instanceof InvalidVersionError) return e.reason;
      throw e;
    }
  },
  compare(a, b) {
    return compareParsedMaven(parseMavenVersion(a), parseMavenVersion(b));
  },
};
