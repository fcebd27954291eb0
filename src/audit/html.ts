/**
 * The audit as the HTML report model (src/report/html): a summary (findings by severity, counts
 * of workloads, images, denied workloads, scanned images), a table of workloads and one of images,
 * every finding in one table, then one section per workload (its policy findings and tag drift)
 * and one per image (its vulnerabilities). Each finding links to the section of its workload
 * and of its image. Not for: deciding findings (run.ts) or HTML itself (src/report/html).
 */
import type { Finding } from "../report/finding.js";
import { type HtmlCell, type HtmlReport, type HtmlSection, messageCell } from "../report/html/index.js";
import type { AuditResult, ImageResult, WorkloadResult } from "./run.js";

const FINDING_COLUMNS = [
  { key: "severity", label: "Severity" },
  { key: "rule", label: "Rule" },
  { key: "message", label: "Message" },
  { key: "workload", label: "Workload" },
  { key: "image", label: "Image" },
];

function workloadText(w: { kind: string; namespace: string; name: string }): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

function imageText(i: ImageResult): string {
  return i.digest ? `${i.repository}@${i.digest}` : `${i.repository} (not started)`;
}

function verdict(w: WorkloadResult): string {
  return w.skipped ? `skipped (${w.skipped})` : w.allowed ? "allowed" : "denied";
}

export function auditToHtml(r: AuditResult, opts: { generatedAt?: Date } = {}): HtmlReport {
  const wlAnchor = new Map(r.workloads.map((w, n) => [workloadText(w), `workload-${n + 1}`]));
  const imgAnchor = new Map<string, string>();
  r.images.forEach((i, n) => {
    imgAnchor.set(imageText(i), `image-${n + 1}`);
    for (const s of i.specImages) if (!imgAnchor.has(s)) imgAnchor.set(s, `image-${n + 1}`);
  });
  const imageOf = new Map(r.images.filter((i) => i.digest).map((i) => [imageText(i), i]));
  const link = (text: string, anchor: string | undefined): HtmlCell =>
    anchor ? { text, href: `#${anchor}` } : text;

  const workloadsOf = (f: Finding): string[] => {
    const o = f.object;
    if (o?.kind && o.namespace && o.name)
      return [workloadText({ kind: o.kind, namespace: o.namespace, name: o.name })];
    return f.image ? (imageOf.get(f.image)?.workloads ?? []) : [];
  };
  const row = (f: Finding): Record<string, HtmlCell> => {
    const wls = workloadsOf(f);
    return {
      severity: { severity: f.severity },
      rule: f.rule,
      message: messageCell(f),
      workload: wls.length ? link(wls.join(", "), wlAnchor.get(wls[0] as string)) : "",
      image: f.image ? link(f.image, imgAnchor.get(f.image)) : "",
    };
  };
  const active = r.report.findings.filter((f) => !f.suppressed);

  const sections: HtmlSection[] = [
    {
      id: "workloads",
      title: "Workloads",
      columns: [
        { key: "workload", label: "Workload" },
        { key: "verdict", label: "Verdict" },
        { key: "violations", label: "Violations" },
      ],
      rows: r.workloads.map((w) => ({
        workload: link(workloadText(w), wlAnchor.get(workloadText(w))),
        verdict: verdict(w),
        violations: w.violations.length,
      })),
      empty: "No workloads.",
    },
    {
      id: "images",
      title: "Images",
      columns: [
        { key: "image", label: "Image" },
        { key: "scan", label: "Scan" },
        { key: "critical", label: "Critical" },
        { key: "high", label: "High" },
        { key: "medium", label: "Medium" },
        { key: "low", label: "Low" },
        { key: "workloads", label: "Workloads" },
      ],
      rows: r.images.map((i) => ({
        image: link(imageText(i), imgAnchor.get(imageText(i))),
        scan: i.scan.state === "scanned" ? `scanned ${i.scan.scannedAt.slice(0, 10)}` : i.scan.reason,
        critical: i.counts?.critical ?? "",
        high: i.counts?.high ?? "",
        medium: i.counts?.medium ?? "",
        low: i.counts?.low ?? "",
        workloads: i.workloads.join(", "),
      })),
      empty: "No images.",
    },
    {
      id: "findings",
      title: "Findings",
      columns: FINDING_COLUMNS,
      rows: active.map(row),
      empty: "No findings.",
    },
  ];
  r.workloads.forEach((w) => {
    const text = workloadText(w);
    sections.push({
      id: wlAnchor.get(text) as string,
      title: text,
      note: `${verdict(w)}; images: ${r.images
        .filter((i) => i.workloads.includes(text))
        .map(imageText)
        .join(", ")}`,
      columns: FINDING_COLUMNS,
      rows: active.filter((f) => f.object && workloadsOf(f)[0] === text).map(row),
      empty: "No policy findings.",
    });
  });
  r.images.forEach((i) => {
    const text = imageText(i);
    sections.push({
      id: imgAnchor.get(text) as string,
      title: text,
      note: `${i.scan.state === "scanned" ? `scanned ${i.scan.scannedAt}` : `not scanned: ${i.scan.reason}`}; ${i.pods} pod(s): ${i.workloads.join(", ")}`,
      columns: FINDING_COLUMNS,
      rows: active.filter((f) => f.rule === "vulnerability" && f.image === text).map(row),
      empty: i.scan.state === "scanned" ? "No vulnerabilities." : "Not scanned.",
    });
  });
  const denied = r.workloads.filter((w) => !w.allowed).length;
  return {
    title: "Portcullis cluster audit",
    subtitle: `${r.report.tool.name} ${r.report.tool.version} · audit`,
    generatedAt: opts.generatedAt ?? new Date(),
    counts: { ...r.report.summary.findings },
    facts: [
      { label: "workloads", value: r.workloads.length },
      { label: "denied", value: denied },
      { label: "pods", value: r.stats.pods },
      { label: "images", value: r.images.length },
      { label: "scanned", value: r.images.filter((i) => i.scan.state === "scanned").length },
      { label: "findings", value: active.length },
    ],
    errors: [
      ...r.unreadable.map((u) => `${u.namespace ? `namespace ${u.namespace}` : "cluster"}: ${u.message}`),
      ...r.lookupFailures,
    ],
    sections,
  };
}
