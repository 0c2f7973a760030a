// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or $CHROMIUM) driven by
// puppeteer-core, with the flags it needs on a closed network (no background requests, no
// component updates) and a fresh profile that is removed when the browser closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

/** The Chromium binary the tests use. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Launches headless Chromium with a fresh profile; close it with `browser.close()`. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'parkpress-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
    ],
  });
  browser.on('disconnected', () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // Chromium may still be writing its profile as it exits; a leftover temp folder is harmless.
    }
  });
  return browser;
}
