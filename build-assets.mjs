// Builds static/dist from static/src and the pinned govuk-frontend package.
// The CSS is compiled from Sass so that the GDS Transport font (reserved for
// GOV.UK services) is never included.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "static/dist";
mkdirSync(out, { recursive: true });

const css = sass.compile("static/src/app.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/app.css`, css.css);

copyFileSync(
  "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js",
  `${out}/govuk-frontend.min.js`,
);
copyFileSync("static/src/app.mjs", `${out}/app.mjs`);
copyFileSync("static/src/favicon.svg", `${out}/favicon.svg`);
console.log(`built ${out}/app.css, app.mjs and govuk-frontend.min.js`);
