// The page's stylesheet: system fonts only (no web fonts: the page must work offline).
export const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; background: #fafafa; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 12px; border-bottom: 1px solid #ddd; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 24px 0 8px; } h3 { font-size: 15px; margin: 16px 0 6px; }
h2 small { font-weight: normal; color: #555; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eee; padding: 1px 4px; border-radius: 3px; }
table { border-collapse: collapse; margin: 6px 0; background: #fff; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
#matrix td a { color: inherit; text-decoration: none; display: block; }
.v-pass { background: #e3f2e5; } .v-expected { background: #fff4d6; } .v-fail { background: #fde2e2; } .v-none { background: #eee; color: #777; }
.legend span { padding: 2px 6px; margin-right: 6px; border-radius: 3px; }
.unexpected { color: #b71c1c; font-weight: bold; } .found { color: #6b4e00; }
section.result { background: #fff; border: 1px solid #ddd; border-left: 6px solid #2e8540; padding: 4px 16px 12px; margin: 18px 0; }
section.result.v-expected { border-left-color: #d9a400; } section.result.v-fail { border-left-color: #c62828; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; } dt { color: #555; } dd { margin: 0; }
.reasons li { color: #b71c1c; font-weight: bold; }
.claims .not-felt { color: #b71c1c; }
.muted { color: #666; font-size: 12.5px; }
.chart { margin: 8px 0 14px; min-height: 40px; }
svg.stream { display: block; max-width: 100%; height: auto; background: #fff; border: 1px solid #e0e0e0; margin: 6px 0; }
svg.stream .fault { fill: rgba(198, 40, 40, 0.13); } svg.stream .grid { stroke: #e4e4e4; } svg.stream .lane { font-size: 12px; fill: #444; } svg.stream .axis { font-size: 11px; fill: #777; }
table.events tr.state-lost td { background: #fde2e2; } table.events tr.state-duplicated td { background: #fff0dc; } table.events tr.state-dead-lettered td { background: #f6efcf; }
`;
