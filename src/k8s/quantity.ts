/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`, `128974848`), parsed exactly as the
 * API server's `resource.ParseQuantity` accepts them, into an exact rational value so that a
 * request and a limit written with different suffixes compare correctly (`1Gi` > `1000Mi` >
 * `1G`). Not a formatter: Portcullis never rewrites quantities.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource):
 *   quantity        ::= signedNumber suffix
 *   signedNumber    ::= [+-] digits [ "." [digits] ] | [+-] "." digits
 *   suffix          ::= binarySI | decimalSI | decimalExponent
 *   binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   decimalSI       ::= n | u | m | "" | k | M | G | T | P | E
 *   decimalExponent ::= ( e | E ) [+-] digits
 */

/** An exact quantity: numerator / denominator (denominator > 0). */
export interface Quantity {
  /** The text as written. */
  text: string;
  numerator: bigint;
  denominator: bigint;
}

export class QuantityError extends Error {
  override readonly name = "QuantityError";
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {
    super(`"${text}" is not a Kubernetes quantity: ${reason}`);
  }
}

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?/;

/** Suggestions for suffixes people write by mistake. */
const MISTAKES: Record<string, string> = {
  KB: "use k (10^3) or Ki (2^10)",
  K: "use k (10^3) or Ki (2^10); the decimal kilo suffix is lowercase",
  Kb: "use k (10^3) or Ki (2^10)",
  MB: "use M (10^6) or Mi (2^20)",
  Mb: "use M (10^6) or Mi (2^20)",
  GB: "use G (10^9) or Gi (2^30)",
  Gb: "use G (10^9) or Gi (2^30)",
  TB: "use T (10^12) or Ti (2^40)",
  mi: "use Mi (2^20) or m (10^-3); suffixes are case-sensitive",
  gi: "use Gi (2^30); suffixes are case-sensitive",
  g: "use G (10^9) or Gi (2^30); suffixes are case-sensitive",
  ki: "use Ki (2^10); suffixes are case-sensitive",
  KiB: "use Ki",
  MiB: "use Mi",
  GiB: "use Gi",
  B: "quantities have no byte unit; write 512Mi, not 512MiB or 512B",
  cores: "cpu is written in cores without a unit (2) or in millicores (500m)",
};

/** Parse a quantity given as YAML gave it (a string or a number). Throws QuantityError. */
export function parseQuantity(input: unknown): Quantity {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new QuantityError(String(input), "not a finite number");
    return parseQuantityText(String(input));
  }
  if (typeof input !== "string") {
    throw new QuantityError(String(input), `expected a string or a number, got ${describeType(input)}`);
  }
  return parseQuantityText(input);
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "a mapping" : typeof v;
}

function parseQuantityText(text: string): Quantity {
  if (text.length === 0) throw new QuantityError(text, "empty");
  if (text.trim() !== text) throw new QuantityError(text, "leading or trailing spaces");
  const m = NUMBER.exec(text)!;
  const sign = m[1];
  const intPart = m[2];
  const fracPart = m[3] ?? "";
  if (intPart.length === 0 && fracPart.length === 0) {
    throw new QuantityError(text, "expected a number first (e.g. 500m, 1.5Gi, 2)");
  }
  const suffix = text.slice(m[0].length);
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in BINARY) exp2 = BINARY[suffix];
  else if (suffix in DECIMAL) exp10 = DECIMAL[suffix];
  else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e) {
      const hint = MISTAKES[suffix];
      throw new QuantityError(
        text,
        `unknown suffix "${suffix}"${hint ? ` (${hint})` : " (expected one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or an exponent like e3)"}`,
      );
    }
    exp10 = Number(e[1]);
    if (Math.abs(exp10) > 1000) throw new QuantityError(text, "exponent out of range");
  }
  let numerator = BigInt(`${intPart}${fracPart}` || "0");
  exp10 -= fracPart.length;
  if (sign === "-") numerator = -numerator;
  let denominator = 1n;
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator = 10n ** BigInt(-exp10);
  numerator *= 2n ** BigInt(exp2);
  return { text, numerator, denominator };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const l = a.numerator * b.denominator;
  const r = b.numerator * a.denominator;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isNegative(q: Quantity): boolean {
  return q.numerator < 0n;
}

/** An approximate float value (for messages and sorting only). */
export function quantityToNumber(q: Quantity): number {
  return Number(q.numerator) / Number(q.denominator);
}
