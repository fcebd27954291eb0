/**
 * `portcullis monitor`: informers on every workload kind and on pods keep the cluster state;
 * after each change (debounced) the state is evaluated with the audit pipeline, each digest
 * never seen before is scanned once and its results stored, namespaces' PolicyReports are
 * written in place and metrics are updated. With a Lease, only the leader scans and writes.
 * On a schedule (dbUpdate) the vulnerability database is updated; when it changed, every stored
 * SBOM is matched again (no pull). Before each evaluation every replica asks the scanner whether
 * the database changed under it (another replica's update, a file swapped into place) and
 * reopens it.
 * A critical finding is raised (a warn log line, a Warning Event `NewCriticalVulnerability` on
 * each workload running the image, the new_critical_findings counter) when it is news:
 * - a digest that already had a stored scan gains it when matched again (after a database
 *   update, or at start when the stored result is older than the database), or
 * - a digest that started running while the monitor watched (first seen after the initial
 *   list: a rollout, a new pod) has it on its first scan.
 * The first scan of the images already running when the monitor started raises nothing: their
 * findings are in the PolicyReports and the images-by-severity metric.
 * Scanning is behind ImageScanner (src/audit/image-scanner.ts): without one, or without a
 * database, images are "not scanned" until one is there.
 */
import { randomBytes } from "node:crypto";
import type { Inventory, Unreadable } from "../audit/inventory.js";
import { type AuditResult, auditInventory } from "../audit/run.js";
import { type ImageScanner, mapBounded, type StoredVulnerability } from "../audit/scan-status.js";
import type { KubeClient, KubeObject } from "../cluster/client.js";
import { KubeApiError } from "../cluster/errors.js";
import { Informer } from "../cluster/informer.js";
import { EVENTS, NAMESPACES, WORKLOAD_RESOURCES } from "../cluster/resources.js";
import type { LoadedPolicy } from "../policy/types.js";
import { LeaseElector, type LeaseOptions } from "./lease.js";
import type { MonitorMetrics } from "./metrics.js";
import { clusterPolicyReport, namespaceResults, policyReport } from "./policy-report.js";
import { ReportCrdMissing, writeReport } from "./report-writer.js";
import type { ResultStore } from "./store.js";

export type { ImageScanner };

export interface MonitorOptions {
  client: KubeClient;
  namespaces?: string[];
  policy: LoadedPolicy;
  store: ResultStore;
  scanner?: ImageScanner;
  metrics: MonitorMetrics;
  /** Write PolicyReports (default true). */
  policyReports?: boolean;
  lease?: LeaseOptions;
  /** `db update` every intervalMs; update() says whether the data changed. */
  dbUpdate?: { intervalMs: number; update: () => Promise<boolean> };
  /** New digests scanned at once (default 4). */
  scanConcurrency?: number;
  debounceMs?: number;
  log?: (entry: Record<string, unknown>) => void;
  now?: () => Date;
}

/** Why a critical finding is news: gained on a stored scan, or on a digest deployed while watched. */
type AlertCause = "rescan" | "new-digest";

export class Monitor {
  private readonly informers: Informer[] = [];
  private timer?: NodeJS.Timeout;
  private updateTimer?: NodeJS.Timeout;
  private updating?: Promise<void>;
  /** Digests whose scan failed: retried after the next database update. */
  private readonly failed = new Set<string>();
  /** `digest@databaseTime` already brought up to date (a stale result is rescanned once). */
  private readonly current = new Set<string>();
  private running?: Promise<void>;
  private again = false;
  private elector?: LeaseElector;
  private reportsDisabled = false;
  private readonly unreadable: Unreadable[] = [];
  /** Digests running at the initial list: their first scan is the state found, not news. */
  private baseline?: Set<string>;
  /** Changes are scheduled only after the initial lists (a partial state is never evaluated). */
  private listed = false;
  /** The last evaluation (for tests and `/healthz`). */
  last?: AuditResult;
  reconciles = 0;
  scans = 0;
  rescans = 0;

  constructor(private readonly opts: MonitorOptions) {
    if (opts.lease) this.elector = new LeaseElector(opts.client, opts.lease);
  }

  private log(entry: Record<string, unknown>): void {
    (this.opts.log ?? ((e) => process.stderr.write(`${JSON.stringify(e)}\n`)))({
      time: this.now().toISOString(),
      ...entry,
    });
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    const scopes: (string | undefined)[] = this.opts.namespaces ?? [undefined];
    const handler = {
      added: () => this.schedule(),
      modified: () => this.schedule(),
      deleted: () => this.schedule(),
      error: (err: Error) => this.log({ level: "warn", msg: "watch failed, retrying", error: err.message }),
    };
    if (!this.opts.namespaces)
      this.informers.push(new Informer(this.opts.client, NAMESPACES, undefined, handler));
    for (const t of WORKLOAD_RESOURCES) {
      for (const ns of scopes) this.informers.push(new Informer(this.opts.client, t, ns, handler));
    }
    for (const inf of this.informers) {
      try {
        await inf.start();
      } catch (err) {
        if (!(err instanceof KubeApiError && err.forbidden)) throw err;
        this.unreadable.push({ resource: "watch", message: err.message });
        this.log({ level: "warn", msg: "cannot list", error: err.message });
      }
    }
    this.listed = true;
    await this.reconcile();
    const u = this.opts.dbUpdate;
    if (u) {
      this.updateTimer = setInterval(() => void this.updateDatabase(), u.intervalMs);
      if (this.opts.scanner?.available?.() === false) void this.updateDatabase();
    }
  }

  /** `db update`; when the data changed, reopen it and rescan every stored SBOM, then reconcile. */
  updateDatabase(): Promise<void> {
    const u = this.opts.dbUpdate;
    if (!u) return Promise.resolve();
    this.updating ??= (async () => {
      try {
        // Only the leader updates (and rescans): followers would race on the same data.
        if (this.elector && !(await this.elector.tryAcquire())) return;
        const changed = await u.update();
        this.log({ level: "info", msg: "vulnerability database updated", changed });
        if (!changed) return;
        await this.running; // no scan of a running reconcile reads the database being reopened
        await this.opts.scanner?.reopen?.();
        this.failed.clear();
        const end = Date.now();
        const n = await this.rescanStored();
        this.log({ level: "info", msg: "stored SBOMs rescanned", images: n, ms: Date.now() - end });
        await this.reconcile();
      } catch (err) {
        this.log({ level: "error", msg: "database update failed", error: (err as Error).message });
      } finally {
        this.updating = undefined;
      }
    })();
    return this.updating;
  }

  private schedule(): void {
    if (this.timer || !this.listed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconcile();
    }, this.opts.debounceMs ?? 500);
  }

  /** Evaluate the current state (serialised: a change during a run runs it again after). */
  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.reconcileOnce()
      .catch((err: Error) => {
        this.opts.metrics.reconciles.inc({ result: "error" });
        this.log({ level: "error", msg: "reconcile failed", error: err.message });
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.reconcile();
        }
      });
    return this.running;
  }

  /** Wait until no reconcile is running or scheduled. */
  async idle(): Promise<void> {
    while (this.running || this.timer) await (this.running ?? new Promise((r) => setTimeout(r, 20)));
  }

  private inventory(): Inventory {
    const objects: KubeObject[] = [];
    const namespaceLabels = new Map<string, Record<string, string>>();
    for (const inf of this.informers) {
      for (const o of inf.cache.values()) {
        if (o.kind === "Namespace") {
          if (o.metadata?.name) namespaceLabels.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
        } else objects.push(o);
      }
    }
    return {
      objects,
      namespaceLabels,
      unreadable: [...this.unreadable],
      reads: this.informers.length,
      pages: 0,
    };
  }

  /** Reopen the vulnerability database when it changed under this process (any replica). */
  private async refreshDatabase(): Promise<void> {
    const scanner = this.opts.scanner;
    if (!scanner?.refresh) return;
    try {
      if (!(await scanner.refresh())) return;
      this.failed.clear();
      this.log({
        level: "info",
        msg: "vulnerability database changed, reopened",
        updatedAt: scanner.databaseUpdatedAt?.(),
      });
    } catch (err) {
      this.log({
        level: "warn",
        msg: "cannot check the vulnerability database",
        error: (err as Error).message,
      });
    }
  }

  private async reconcileOnce(): Promise<void> {
    const leader = this.elector ? await this.elector.tryAcquire() : true;
    this.opts.metrics.leader.set(leader ? 1 : 0);
    await this.refreshDatabase();
    const result = await auditInventory(this.inventory(), {
      policy: this.opts.policy,
      scans: this.opts.store,
      now: this.now(),
    });
    this.baseline ??= new Set(result.images.flatMap((i) => (i.digest ? [i.digest] : [])));
    this.last = result;
    this.reconciles++;
    this.updateMetrics(result);
    if (!leader) {
      this.opts.metrics.reconciles.inc({ result: "follower" });
      return;
    }
    // Each digest never seen before is noted, and each not yet scanned is scanned once, by the leader.
    const scanner = this.opts.scanner;
    const toScan: typeof result.images = [];
    for (const img of result.images) {
      if (!img.digest) continue;
      if (await this.opts.store.see(img.digest, img.repository, this.now()))
        this.log({ level: "info", msg: "new image digest", digest: img.digest, repository: img.repository });
      if (!scanner || scanner.available?.() === false || this.failed.has(img.digest)) continue;
      // Not scanned yet, or scanned before the database's last update (e.g. updated while the
      // monitor was down): once per database version.
      const built = scanner.databaseChangedAt?.() ?? scanner.databaseUpdatedAt?.();
      const stale =
        img.scan.state === "scanned" &&
        built !== undefined &&
        img.scan.scannedAt < built &&
        !this.current.has(`${img.digest}@${built}`);
      if (img.scan.state !== "scanned" || stale) {
        if (built) this.current.add(`${img.digest}@${built}`);
        toScan.push(img);
      }
    }
    await mapBounded(toScan, this.opts.scanConcurrency ?? 4, (img) => {
      const digest = img.digest as string;
      // News: a finding gained since the stored scan, or any finding of a digest deployed since
      // the initial list. Not news: the first scan of what was running when the monitor started.
      const cause =
        img.scan.state === "scanned" ? "rescan" : this.baseline?.has(digest) ? undefined : "new-digest";
      return this.scanDigest(img.repository, digest, img.workloads, cause);
    });
    const newScans = toScan.length > 0;
    const final = newScans
      ? await auditInventory(this.inventory(), {
          policy: this.opts.policy,
          scans: this.opts.store,
          now: this.now(),
        })
      : result;
    if (newScans) {
      this.last = final;
      this.updateMetrics(final);
    }
    await this.writeReports(final);
    this.opts.metrics.reconciles.inc({ result: "ok" });
  }

  private async scanDigest(
    repository: string,
    digest: string,
    workloads: string[],
    cause: AlertCause | undefined,
  ): Promise<void> {
    const scanner = this.opts.scanner;
    if (!scanner) return;
    const end = this.opts.metrics.scanDuration.startTimer();
    try {
      // A stored SBOM is matched again (no pull); otherwise the image is read.
      const sbom = scanner.rescan ? await this.opts.store.storedSbom(digest) : undefined;
      const r =
        sbom && scanner.rescan
          ? { vulnerabilities: await scanner.rescan(sbom) }
          : await scanner.scan(repository, digest);
      this.scans++;
      const fresh = await this.opts.store.record({
        digest,
        repository,
        scannedAt: this.now(),
        ...("sbom" in r && r.sbom ? { sbom: r.sbom } : {}),
        vulnerabilities: r.vulnerabilities,
      });
      if (cause) await this.alert(repository, digest, workloads, fresh, cause);
    } catch (err) {
      this.failed.add(digest);
      this.log({ level: "error", msg: "scan failed", digest, repository, error: (err as Error).message });
    } finally {
      end();
    }
  }

  /** After a database update: match every stored SBOM again and alert on new critical findings. */
  async rescanStored(): Promise<number> {
    const scanner = this.opts.scanner;
    if (!scanner?.rescan) return 0;
    let n = 0;
    const users = new Map(
      (this.last?.images ?? []).filter((i) => i.digest).map((i) => [i.digest as string, i.workloads]),
    );
    for (const s of await this.opts.store.sbomDigests()) {
      const sbom = await this.opts.store.storedSbom(s.digest);
      if (!sbom) continue;
      const end = this.opts.metrics.rescanDuration.startTimer();
      const vulns = await scanner.rescan(sbom).finally(end);
      const fresh = await this.opts.store.record({
        digest: s.digest,
        repository: s.repository,
        scannedAt: this.now(),
        vulnerabilities: vulns,
      });
      const running = users.get(s.digest);
      if (running) await this.alert(s.repository, s.digest, running, fresh, "rescan");
      n++;
    }
    this.rescans += n;
    return n;
  }

  private async alert(
    repository: string,
    digest: string,
    workloads: string[],
    fresh: StoredVulnerability[],
    cause: AlertCause,
  ): Promise<void> {
    const critical = fresh.filter((v) => v.severity === "critical");
    if (!critical.length) return;
    this.opts.metrics.newCritical.inc(critical.length);
    const ids = [...new Set(critical.map((v) => v.id))].join(", ");
    this.log({
      level: "warn",
      msg: "new critical finding on a running image",
      cause,
      image: `${repository}@${digest}`,
      ids,
      workloads,
    });
    const why = cause === "rescan" ? "new critical finding" : "newly running image with critical findings";
    for (const w of workloads) {
      const [kind = "", ref = ""] = w.split(" ");
      const [namespace = "default", name = ""] = ref.split("/");
      const now = this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z");
      const event: KubeObject = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: `${name}.${randomBytes(8).toString("hex")}`, namespace },
        involvedObject: { kind, namespace, name },
        reason: "NewCriticalVulnerability",
        message: `${why}: ${repository}@${digest.slice(0, 19)}…: ${ids}`.slice(0, 1024),
        type: "Warning",
        source: { component: "portcullis-monitor" },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      await this.opts.client
        .create(EVENTS, namespace, event)
        .catch((err: Error) => this.log({ level: "warn", msg: "cannot write event", error: err.message }));
    }
  }

  private updateMetrics(r: AuditResult): void {
    const m = this.opts.metrics;
    const built = this.opts.scanner?.databaseUpdatedAt?.();
    if (built) m.databaseAge.set(Math.max(0, (this.now().getTime() - Date.parse(built)) / 1000));
    m.images.reset();
    for (const img of r.images) {
      let sev = "not_scanned";
      if (img.scan.state === "scanned") {
        const c = img.counts ?? { critical: 0, high: 0, medium: 0, low: 0 };
        sev = c.critical ? "critical" : c.high ? "high" : c.medium ? "medium" : c.low ? "low" : "none";
      }
      m.images.inc({ severity: sev });
    }
    m.denied.reset();
    for (const w of r.workloads) {
      if (w.allowed) continue;
      for (const rule of new Set(w.violations.filter((v) => v.mode === "enforce").map((v) => v.rule)))
        m.denied.inc({ rule });
    }
  }

  private async writeReports(r: AuditResult): Promise<void> {
    if (this.opts.policyReports === false || this.reportsDisabled) return;
    const name = this.opts.policy.policy.metadata?.name ?? "portcullis";
    const namespaces = new Set<string>([
      ...r.workloads.map((w) => w.namespace),
      ...(this.opts.namespaces ?? []),
    ]);
    try {
      for (const ns of [...namespaces].sort()) {
        const out = await writeReport(
          this.opts.client,
          policyReport(ns, namespaceResults(name, ns, r.workloads, r.images, this.now())),
        );
        if (out.conflicts) this.opts.metrics.reportConflicts.inc(out.conflicts);
      }
      if (!this.opts.namespaces)
        await writeReport(this.opts.client, clusterPolicyReport(name, r.unreadable, this.now()));
    } catch (err) {
      if (!(err instanceof ReportCrdMissing)) throw err;
      this.reportsDisabled = true;
      this.log({ level: "error", msg: err.message });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.updateTimer) clearInterval(this.updateTimer);
    this.timer = undefined;
    await this.updating;
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.running;
  }
}
