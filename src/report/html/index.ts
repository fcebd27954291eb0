/** The self-contained HTML report (`--format html`): model, renderer and the findings adapter. */
export { findingsToHtml, type HtmlTitle, messageCell } from "./adapters.js";
export {
  escapeHtml,
  HTML_SEVERITIES,
  type HtmlCell,
  type HtmlColumn,
  type HtmlReport,
  type HtmlSection,
  type HtmlSeverity,
  renderHtml,
} from "./document.js";
