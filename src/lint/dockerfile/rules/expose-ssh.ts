/**
 * dockerfile-expose-ssh: EXPOSE of port 22 (alone or inside a range). An SSH daemon in a
 * container is a second way in that bypasses `kubectl exec` auditing. No hadolint equivalent.
 */
import { type DockerfileRule, hitAt } from "../rule.js";

export const exposeSsh: DockerfileRule = {
  id: "dockerfile-expose-ssh",
  severity: "medium",
  title: "SSH port 22 exposed",
  docs: "Running sshd in a container adds credentials to manage and an unaudited entry point. Use `kubectl exec` / `docker exec` for debugging and remove the SSH server.",
  check(ctx) {
    const out = [];
    for (const { instr, outer } of ctx.allInstructions()) {
      if (instr.keyword !== "EXPOSE") continue;
      const re = /\S+/g;
      for (let m = re.exec(instr.args); m; m = re.exec(instr.args)) {
        const spec = m[0].replace(/^["']|["']$/g, "");
        const [range, proto] = spec.split("/");
        if (proto && proto.toLowerCase() !== "tcp") continue;
        const [lo, hi] = range.split("-").map((x) => Number.parseInt(x, 10));
        if (Number.isNaN(lo)) continue;
        if (lo === 22 || (hi !== undefined && lo <= 22 && 22 <= hi)) {
          out.push(hitAt(outer, `EXPOSE ${spec} exposes SSH`, { at: instr.positionOf(m.index) }));
        }
      }
    }
    return out;
  },
};
