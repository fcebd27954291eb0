/**
 * The HTML report's script: click (or Enter on) a column header to sort, type to filter, pick a
 * severity. Plain DOM, no network, allowed by its hash in the report's CSP. The section's count
 * badge shows "shown / total" while a filter is active.
 */
export const SCRIPT = `(function(){
"use strict";
function cmp(a,b){var na=Number(a),nb=Number(b);
if(a!==""&&b!==""&&!isNaN(na)&&!isNaN(nb))return na-nb;
return a.localeCompare(b,undefined,{numeric:true,sensitivity:"base"});}
document.querySelectorAll("section.tbl").forEach(function(sec){
var table=sec.querySelector("table"),body=table.tBodies[0],heads=table.querySelectorAll("th");
var filter=sec.querySelector(".filter"),sev=sec.querySelector(".sevfilter"),count=sec.querySelector(".count");
var total=Number(count.getAttribute("data-total"));
function sortBy(th){var col=Number(th.getAttribute("data-col"));
var dir=th.getAttribute("aria-sort")==="ascending"?"descending":"ascending";
heads.forEach(function(h){h.setAttribute("aria-sort","none");});th.setAttribute("aria-sort",dir);
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(r1,r2){var c=cmp(r1.cells[col].getAttribute("data-v")||"",r2.cells[col].getAttribute("data-v")||"");
return dir==="ascending"?c:-c;});
rows.forEach(function(r){body.appendChild(r);});}
heads.forEach(function(th){th.addEventListener("click",function(){sortBy(th);});
th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sortBy(th);}});});
function apply(){var q=(filter.value||"").toLowerCase(),s=sev.value,shown=0;
Array.prototype.forEach.call(body.rows,function(r){
var okText=!q||r.textContent.toLowerCase().indexOf(q)!==-1;
var okSev=!s||r.querySelector('[data-sev="'+s+'"]')!==null;
var ok=okText&&okSev;r.classList.toggle("hidden",!ok);if(ok)shown++;});
count.textContent=(q||s)?(shown+" / "+total):String(total);}
filter.addEventListener("input",apply);sev.addEventListener("change",apply);});
})();`;
