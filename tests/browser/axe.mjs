// axe-core in headless Chromium: `node axe.mjs [--elderly] OUTPUT_DIR PATH...` serves the built
// site on loopback, opens each page at 390 and 1280 px and prints one JSON array of
// `{ path, width, elderly, violations: [{ id, impact, help, targets }] }` on stdout. With
// `--elderly` the pages open with elderly mode switched on (as the header toggle leaves it in
// local storage); `elderly` says whether the page was in that mode.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { launch } from "./chromium.mjs";
import { serveFolder } from "./static.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WIDTHS = [390, 1280];

const args = process.argv.slice(2);
const elderly = args[0] === "--elderly";
const [root, ...paths] = elderly ? args.slice(1) : args;
if (!root || paths.length === 0) {
  console.error("usage: node axe.mjs [--elderly] OUTPUT_DIR PATH...");
  process.exit(2);
}
const server = await serveFolder(resolve(root));
const browser = await launch();
const results = [];
try {
  const page = await browser.newPage();
  if (elderly) {
    await page.evaluateOnNewDocument(() => localStorage.setItem("parkpress.elderly", "on"));
  }
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
      const on = await page.evaluate(() => document.documentElement.classList.contains("elderly"));
      results.push({ path, width, elderly: on, violations: found });
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(results, null, 1));
