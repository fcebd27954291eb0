/**
 * Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does: the
 * holder renews spec.renewTime; another replica takes the lease over only when it has not been
 * renewed for leaseDurationSeconds. Every write carries the read resourceVersion, so two
 * replicas racing for it cannot both win (the loser gets 409 Conflict).
 */
import type { KubeClient, KubeObject } from "../cluster/client.js";
import { KubeApiError } from "../cluster/errors.js";
import { LEASES } from "../cluster/resources.js";

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  now?: () => Date;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** MicroTime as the API server writes it: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaseElector {
  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaseOptions,
  ) {}

  private get duration(): number {
    return this.opts.leaseDurationSeconds ?? 15;
  }

  /** Try to acquire or renew; true when this identity holds the lease afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = this.opts.now?.() ?? new Date();
    let lease: KubeObject | undefined;
    try {
      lease = await this.client.get(LEASES, this.opts.namespace, this.opts.name);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.notFound)) throw err;
    }
    const spec: LeaseSpec = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: this.duration,
      renewTime: microTime(now),
    };
    try {
      if (!lease) {
        await this.client.create(LEASES, this.opts.namespace, {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: this.opts.name, namespace: this.opts.namespace },
          spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      }
      const cur = (lease.spec ?? {}) as LeaseSpec;
      const mine = cur.holderIdentity === this.opts.identity;
      const renewed = cur.renewTime ? Date.parse(cur.renewTime) : 0;
      const expired = renewed + (cur.leaseDurationSeconds ?? this.duration) * 1000 < now.getTime();
      if (!mine && cur.holderIdentity && !expired) return false;
      await this.client.replace(LEASES, this.opts.namespace, this.opts.name, {
        ...lease,
        spec: mine
          ? { ...cur, ...spec }
          : { ...spec, acquireTime: microTime(now), leaseTransitions: (cur.leaseTransitions ?? 0) + 1 },
      });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 409) return false; // lost the race
      throw err;
    }
  }
}
