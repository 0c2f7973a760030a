// Elderly-friendly mode in headless Chromium: `node elderly.mjs OUTPUT_DIR FIRST_PATH NEXT_PATH`
// opens FIRST_PATH at phone width (390 px), measures the body text, presses the header toggle,
// measures again, follows to NEXT_PATH and measures there, then checks horizontal scrolling at
// 390 px and at 640 px (a 1280 px window at 200% zoom) and the print stylesheet. Prints JSON.
import { resolve } from "node:path";
import { launch } from "./chromium.mjs";
import { serveFolder } from "./static.mjs";

const [root, first, next] = process.argv.slice(2);
const server = await serveFolder(resolve(root));
const browser = await launch();
const measure = (page) =>
  page.evaluate(() => {
    const style = getComputedStyle(document.body);
    const toggle = document.getElementById("elderly-toggle");
    return {
      on: document.documentElement.classList.contains("elderly"),
      pressed: toggle ? toggle.getAttribute("aria-pressed") : null,
      toggle_visible: toggle ? !toggle.hidden && toggle.offsetWidth > 0 : false,
      font_size: parseFloat(style.fontSize),
      line_height: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
      overflow_x: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
  await page.goto(server.url + first, { waitUntil: "load" });
  const before = await measure(page);
  await page.emulateMediaType("print");
  const print_before = await measure(page);
  await page.emulateMediaType(null);
  await page.click("#elderly-toggle");
  const after = await measure(page);
  await page.emulateMediaType("print");
  const print_after = await measure(page);
  await page.emulateMediaType(null);
  await page.goto(server.url + next, { waitUntil: "load" });
  const next_page = await measure(page);
  await page.setViewport({ width: 640, height: 900 });
  const zoomed = await measure(page);
  const cookies = await page.cookies();
  console.log(
    JSON.stringify({ before, after, print_before, print_after, next_page, zoomed, cookies: cookies.length }),
  );
} finally {
  await browser.close();
  await server.close();
}
