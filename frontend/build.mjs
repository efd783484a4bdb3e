// Builds the static assets Django serves: compiled CSS and the scripts it needs.
// Run by `make setup` (npm run build); output goes to frontend/build/ (not committed).
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(here, "build");
mkdirSync(join(out, "trellis"), { recursive: true });

const css = sass.compile(join(here, "trellis.scss"), {
  loadPaths: [join(root, "node_modules/govuk-frontend/dist")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "mixed-decls", "global-builtin", "color-functions", "slash-div"],
});
writeFileSync(join(out, "trellis/trellis.css"), css.css);

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "trellis/govuk-frontend.min.js"],
  ["node_modules/htmx.org/dist/htmx.min.js", "trellis/htmx.min.js"],
  ["frontend/trellis.js", "trellis/trellis.js"],
  ["frontend/favicon.svg", "trellis/favicon.svg"],
];
for (const [from, to] of copies) copyFileSync(join(root, from), join(out, to));
console.log("Front-end assets built in frontend/build/");
