// Screenshots for looking at pages (not a test): `node screenshot.mjs OUTPUT_DIR OUT_DIR WIDTH
// PATH...` writes OUT_DIR/<path>-<width>.png of each page, full length. With ELDERLY=1 the
// elderly-friendly mode is switched on first.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { launch } from "./chromium.mjs";
import { serveFolder } from "./static.mjs";

const [root, out, width, ...paths] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const server = await serveFolder(resolve(root));
const browser = await launch();
try {
  const page = await browser.newPage();
  const w = Number(width);
  await page.setViewport({ width: w, height: 900, isMobile: w < 600, hasTouch: w < 600 });
  if (process.env.ELDERLY) {
    await page.goto(server.url + "/", { waitUntil: "load" });
    await page.evaluate(() => localStorage.setItem("parkpress.elderly", "on"));
  }
  for (const path of paths) {
    await page.goto(server.url + path, { waitUntil: "load" });
    const name = path.replace(/[/.]+/g, "_").replace(/^_|_$/g, "") || "home";
    const file = join(out, `${name}-${w}${process.env.ELDERLY ? "-elderly" : ""}.png`);
    await page.screenshot({ path: file, fullPage: process.env.FULL !== "0" });
    console.log(file);
  }
} finally {
  await browser.close();
  await server.close();
}
