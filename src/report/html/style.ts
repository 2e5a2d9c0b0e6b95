/** Inline CSS: readable on a laptop screen, sober when printed. */
export const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bad: #b42318; --good: #1a7f37; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.25em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
.headline { margin: 12px 0; padding: 10px 14px; border-left: 4px solid #2f6fbf; background: #f3f7fc; } .headline p { margin: 4px 0; font-size: 1.08em; font-weight: 600; }
.banner { margin: 8px 0 12px; padding: 8px 14px; border: 1px solid #d9a400; background: #fff8e1; border-radius: 4px; } p.lede, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; } th.num { white-space: normal; }
table.verdict { table-layout: fixed; } table.verdict td:first-child, table.verdict th:first-child { width: 14em; }
table.verdict td.num { white-space: normal; overflow-wrap: anywhere; } .fig { display: block; font-weight: 600; } .ci { display: block; font-size: .8em; color: var(--muted); }
tr.invalid td { color: var(--bad); } tr.failed td, tr.aborted td { color: var(--muted); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: .85em; border: 1px solid var(--line); }
.badge.valid { color: var(--good); border-color: var(--good); } .badge.invalid, .badge.failed { color: var(--bad); border-color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure.chart { margin: 0; max-width: 760px; } figure.chart figcaption { font-weight: 600; font-size: .9em; margin-bottom: 2px; }
svg.chart { display: block; width: 100%; min-width: 520px; height: auto; font-size: 14px; fill: var(--ink); } svg.chart .grid { stroke: #eaeef2; }
.legend { font-size: .85em; } .legend .key { display: inline-block; margin-right: 14px; white-space: nowrap; }
.legend .swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 5px; } .legend .swatch.dashed { border-top-style: dashed; }
ul.decision li.pass strong { color: var(--good); } ul.decision li.regression strong, ul.decision li.no-data strong, li.flagged { color: var(--bad); } ul.decision li.inconclusive strong, li.muted { color: var(--muted); }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; font-size: 12px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dt { color: var(--muted); }
@media print { body { max-width: none; padding: 0; font-size: 11px; } svg.chart { min-width: 0; } h2 { break-after: avoid; } .charts { grid-template-columns: 1fr 1fr; } svg.chart, table { break-inside: avoid; } }
`;
