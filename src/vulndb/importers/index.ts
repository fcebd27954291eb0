/**
 * The importer registry: every feed format Portcullis reads, in detection order (the first
 * whose `detect` accepts the input reads it). Add a format by adding a file and a row here.
 */
import { FeedFormatError } from "../errors.js";
import { alpineSecdbImporter } from "./alpine-secdb.js";
import { debianTrackerImporter } from "./debian-tracker.js";
import { osvDirectoryImporter } from "./osv-directory.js";
import { osvFileImporter } from "./osv-file.js";
import { osvZipImporter } from "./osv-zip.js";
import { portcullisExportImporter } from "./portcullis-export.js";
import { headText, type ImportInput, type VulnImporter } from "./types.js";

export type { FeedBatch, ImportContext, ImportInput, VulnImporter } from "./types.js";

export const IMPORTERS: readonly VulnImporter[] = [
  osvDirectoryImporter,
  osvZipImporter,
  portcullisExportImporter,
  alpineSecdbImporter,
  debianTrackerImporter,
  osvFileImporter,
];

/** The importer for an input, or a FeedFormatError saying what was found and what is read. */
export function detectImporter(input: ImportInput): VulnImporter {
  const found = IMPORTERS.find((i) => i.detect(input));
  if (found) return found;
  const head = headText(input);
  if (/^<(!doctype|html|\?xml|head|body)/i.test(head) || /^</.test(head))
    throw new FeedFormatError(
      input.name,
      "is HTML (or XML), not a vulnerability feed: an error or login page instead of the data?",
    );
  if (input.head.length === 0) throw new FeedFormatError(input.name, "is empty");
  throw new FeedFormatError(
    input.name,
    `not a vulnerability feed Portcullis reads; expected ${IMPORTERS.map((i) => i.describes).join(", ")}`,
  );
}
