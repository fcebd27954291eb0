/** The parsed image reference value. Immutable; build one with parseReference. */
import { familiarName } from "./normalize.js";

export class Reference {
  constructor(
    /** Registry host (with port); "" only for raw, unnormalised parses without one. */
    readonly domain: string,
    /** Repository path without the domain, e.g. `library/nginx`. */
    readonly path: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** domain/path (or just path when there is no domain). */
  get name(): string {
    return this.domain ? `${this.domain}/${this.path}` : this.path;
  }

  private suffix(): string {
    return (
      (this.tag !== undefined ? `:${this.tag}` : "") + (this.digest !== undefined ? `@${this.digest}` : "")
    );
  }

  /** The reference as parsed (normalised when parsed with normalisation). */
  toString(): string {
    return this.name + this.suffix();
  }

  /** The familiar short form, e.g. `nginx:1.25` or `bitnami/redis`. */
  familiar(): string {
    return familiarName(this.domain, this.path) + this.suffix();
  }

  /** Fully normalised: `:latest` when neither tag nor digest; the tag dropped when a digest is present. */
  dockerRef(): string {
    if (this.digest !== undefined) return `${this.name}@${this.digest}`;
    return `${this.name}:${this.tag ?? "latest"}`;
  }

  /** A copy with another tag/digest (undefined removes it). */
  with(parts: { tag?: string | undefined; digest?: string | undefined }): Reference {
    return new Reference(
      this.domain,
      this.path,
      "tag" in parts ? parts.tag : this.tag,
      "digest" in parts ? parts.digest : this.digest,
    );
  }

  toJSON(): { domain: string; path: string; name: string; tag?: string; digest?: string } {
    return { domain: this.domain, path: this.path, name: this.name, tag: this.tag, digest: this.digest };
  }
}
