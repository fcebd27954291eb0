/** The HTML report's style sheet (inline, allowed by its hash in the report's CSP). */
export const STYLE = `
:root{--fg:#1d2330;--mut:#5b6474;--bg:#fff;--line:#d9dde5;--head:#f3f5f8;
--critical:#8e1b1b;--high:#d1452b;--medium:#d99a1c;--low:#3f7fbf;--negligible:#7a8594;--unknown:#9aa3ad;--info:#6b8e6b}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:16px 24px;border-bottom:1px solid var(--line)}
h1{margin:0;font-size:20px}
h2{font-size:16px;margin:24px 0 8px}
.sub,.note{color:var(--mut);margin:4px 0}
main{padding:0 24px 32px}
.sumgrid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
dl{display:grid;grid-template-columns:auto auto;gap:2px 12px;margin:0}
dl div{display:contents}
dt{color:var(--mut)}dd{margin:0;font-weight:600}
.chart .lbl,.chart .cnt{font-size:12px;fill:var(--fg)}
.bar.sev-critical{fill:var(--critical)}.bar.sev-high{fill:var(--high)}.bar.sev-medium{fill:var(--medium)}
.bar.sev-low{fill:var(--low)}.bar.sev-negligible{fill:var(--negligible)}.bar.sev-unknown{fill:var(--unknown)}.bar.sev-info{fill:var(--info)}
.count{font-size:12px;font-weight:400;color:var(--mut);border:1px solid var(--line);border-radius:9px;padding:0 7px;margin-left:4px}
.controls{display:flex;gap:16px;margin:6px 0}
.controls input,.controls select{font:inherit;padding:2px 6px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--head);cursor:pointer;user-select:none;white-space:nowrap}
th:focus{outline:2px solid var(--low)}
th[aria-sort=ascending] .arrow::after{content:" \\25B2"}
th[aria-sort=descending] .arrow::after{content:" \\25BC"}
td.num{text-align:right}
tr.hidden{display:none}
.sev{display:inline-block;min-width:64px;text-align:center;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium);color:#222}
.sev-low{background:var(--low)}.sev-negligible{background:var(--negligible)}.sev-unknown{background:var(--unknown)}.sev-info{background:var(--info)}
.errors li{color:var(--critical)}
.none{color:var(--mut)}
nav ul{padding-left:18px;margin:8px 0}
@media print{.controls{display:none}tr.hidden{display:table-row}th{cursor:auto}
.sev{color:#000;border:1px solid #000;background:none}a{color:inherit;text-decoration:none}
section{break-inside:auto}tr{break-inside:avoid}header{border:0}}
`;
