// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or CHROME_PATH) through
// puppeteer-core, with the flags it needs on a closed network, and a fresh profile per launch.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

/** Flags every launch uses: without the background-networking ones Chromium stalls offline. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Launches headless Chromium with a new `--user-data-dir`; `browser.close()` also removes it.
 * `options` are passed on to puppeteer's `launch` (e.g. `defaultViewport`).
 */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "parkpress-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`],
    ...options,
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  };
  return browser;
}
