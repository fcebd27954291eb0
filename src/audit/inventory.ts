/**
 * Reading what runs in a cluster: every workload kind and every pod, page by page, cluster-wide
 * (-A) or per namespace (-n). When the cluster-wide list is refused (403), the namespaces are
 * listed and read one by one, so RBAC that grants some namespaces still gives a partial audit;
 * each refusal is kept, with the server's message, for the report. Other failures (401, a
 * connection lost mid-list, TLS) end the read: they are not partial.
 */
import type { KubeClient, KubeObject } from "../cluster/client.js";
import { KubeApiError } from "../cluster/errors.js";
import { NAMESPACES, type ResourceType, WORKLOAD_RESOURCES } from "../cluster/resources.js";

export interface Unreadable {
  /** Undefined: the cluster-wide collection (or the namespace list). */
  namespace?: string;
  resource: string;
  message: string;
}

export interface Inventory {
  /** Objects of the workload kinds (Pods included), with kind and apiVersion set. */
  objects: KubeObject[];
  /** Labels per namespace, when the namespace list could be read. */
  namespaceLabels: Map<string, Record<string, string>>;
  unreadable: Unreadable[];
  /** Collections read (cluster-wide or per namespace) and pages fetched. */
  reads: number;
  pages: number;
}

export interface InventoryScope {
  /** Undefined: all namespaces. */
  namespaces?: string[];
}

export async function readInventory(client: KubeClient, scope: InventoryScope): Promise<Inventory> {
  const inv: Inventory = { objects: [], namespaceLabels: new Map(), unreadable: [], reads: 0, pages: 0 };
  const onPage = () => inv.pages++;
  let namespaceNames: string[] | undefined = scope.namespaces;
  let namespaceListRefused = false;
  try {
    const ns = await client.list(NAMESPACES, undefined, onPage);
    for (const n of ns.items) {
      if (n.metadata?.name) inv.namespaceLabels.set(n.metadata.name, { ...(n.metadata.labels ?? {}) });
    }
  } catch (err) {
    if (!(err instanceof KubeApiError && err.forbidden)) throw err;
    namespaceListRefused = true;
  }

  const readOne = async (t: ResourceType, ns: string | undefined): Promise<boolean> => {
    try {
      const page = await client.list(t, ns, onPage);
      inv.reads++;
      inv.objects.push(...page.items);
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.forbidden) {
        if (ns !== undefined)
          inv.unreadable.push({ namespace: ns, resource: t.resource, message: err.message });
        return false;
      }
      throw err;
    }
  };

  for (const t of WORKLOAD_RESOURCES) {
    if (scope.namespaces) {
      for (const ns of scope.namespaces) await readOne(t, ns);
      continue;
    }
    if (await readOne(t, undefined)) continue;
    // Refused cluster-wide: fall back to each namespace.
    if (!namespaceNames) {
      if (namespaceListRefused) {
        inv.unreadable.push({
          resource: t.resource,
          message: `${t.resource} cannot be listed cluster-wide and the namespaces cannot be listed either: use -n NAMESPACE`,
        });
        continue;
      }
      namespaceNames = [...inv.namespaceLabels.keys()].sort();
    }
    for (const ns of namespaceNames) await readOne(t, ns);
  }
  return inv;
}

/** Whether anything at all was read (exit 3 when not). */
export function readAnything(inv: Inventory): boolean {
  return inv.reads > 0;
}
