/**
 * CVSS base scores from vector strings (v2, v3.0, v3.1, v4.0) with ae-cvss-calculator, and the
 * qualitative rating each specification gives a score. Not for choosing between several severity
 * sources (see ./choose.ts).
 */
import { createRequire } from "node:module";
import type { VulnSeverity } from "../types.js";

const require = createRequire(import.meta.url);
interface Calculator {
  calculateScores(): { base?: number };
}
type CalculatorClass = new (vector: string) => Calculator;
interface CalculatorModule {
  Cvss2: CalculatorClass;
  Cvss3P0: CalculatorClass;
  Cvss3P1: CalculatorClass;
  Cvss4P0: CalculatorClass;
}
let loaded: CalculatorModule | undefined;
/** Loaded on first use: most scans score few vectors, and the CLI should start fast. */
function calculators(): CalculatorModule {
  loaded ??= require("ae-cvss-calculator") as CalculatorModule;
  return loaded;
}

export type CvssVersion = "2.0" | "3.0" | "3.1" | "4.0";

export interface CvssScore {
  version: CvssVersion;
  vector: string;
  score: number;
}

const V3_METRICS = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
const V4_METRICS = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];
const V2_METRICS = ["AV", "AC", "Au", "C", "I", "A"];

function metrics(parts: string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const p of parts) {
    const m = /^([A-Za-z]+):([A-Za-z]+)$/.exec(p);
    if (!m || out.has(m[1])) return undefined;
    out.set(m[1], m[2]);
  }
  return out;
}

/** Which CVSS version a vector is written in, or undefined when it is not a complete base vector. */
export function cvssVersionOf(vector: string): CvssVersion | undefined {
  const v = vector.trim();
  const prefix = /^CVSS:(3\.0|3\.1|4\.0)\//.exec(v);
  const version = (prefix?.[1] ?? "2.0") as CvssVersion;
  const m = metrics((prefix ? v.slice(prefix[0].length) : v.replace(/^\(|\)$/g, "")).split("/"));
  if (!m) return undefined;
  const required = version === "2.0" ? V2_METRICS : version === "4.0" ? V4_METRICS : V3_METRICS;
  return required.every((k) => m.has(k)) ? version : undefined;
}

/**
 * The base score of a CVSS vector, or undefined when the vector is not a complete base vector of a
 * known version (a partial or malformed vector never yields a made-up score).
 */
export function cvssBaseScore(vector: string): CvssScore | undefined {
  if (scored.has(vector)) return scored.get(vector);
  const r = computeBaseScore(vector);
  if (scored.size >= 50_000) scored.clear();
  scored.set(vector, r);
  return r;
}

/** Scores by vector: advisories share few distinct vectors, and the calculator is not cheap. */
const scored = new Map<string, CvssScore | undefined>();

function computeBaseScore(vector: string): CvssScore | undefined {
  const version = cvssVersionOf(vector);
  if (!version) return undefined;
  const v = vector.trim();
  const calc = calculators();
  const Class =
    version === "2.0"
      ? calc.Cvss2
      : version === "3.0"
        ? calc.Cvss3P0
        : version === "3.1"
          ? calc.Cvss3P1
          : calc.Cvss4P0;
  try {
    const base = new Class(version === "2.0" ? v.replace(/^\(|\)$/g, "") : v).calculateScores().base;
    if (typeof base !== "number" || !Number.isFinite(base) || base < 0 || base > 10) return undefined;
    return { version, vector: v, score: base };
  } catch {
    return undefined;
  }
}

/**
 * The rating of a base score: v3.x and v4.0 (None 0.0, Low 0.1-3.9, Medium 4.0-6.9, High 7.0-8.9,
 * Critical 9.0-10.0; None is reported as negligible); v2 (NVD: Low 0-3.9, Medium 4-6.9, High 7-10).
 */
export function cvssRating(version: CvssVersion, score: number): VulnSeverity {
  if (version === "2.0") return score >= 7 ? "high" : score >= 4 ? "medium" : "low";
  if (score === 0) return "negligible";
  return score >= 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : "low";
}
