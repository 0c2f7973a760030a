// axe-core in headless Chromium: `node axe.mjs OUTPUT_DIR PATH...` serves the built site on
// loopback, opens each page at 390 and 1280 px and prints one JSON array of
// `{ path, width, violations: [{ id, impact, help, targets }] }` on stdout.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { launch } from "./chromium.mjs";
import { serveFolder } from "./static.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WIDTHS = [390, 1280];

const [root, ...paths] = process.argv.slice(2);
if (!root || paths.length === 0) {
  console.error("usage: node axe.mjs OUTPUT_DIR PATH...");
  process.exit(2);
}
const server = await serveFolder(resolve(root));
const browser = await launch();
const results = [];
try {
  const page = await browser.newPage();
  for (const width of WIDTHS) {
    await page.setViewport({ width, height: 900, isMobile: width < 600, hasTouch: width < 600 });
    for (const path of paths) {
      await page.goto(server.url + path, { waitUntil: "load" });
      await page.evaluate(axeSource);
      const found = await page.evaluate(async () => {
        const report = await window.axe.run(document, { resultTypes: ["violations"] });
        return report.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(" ")),
        }));
      });
      results.push({ path, width, violations: found });
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(results, null, 1));
