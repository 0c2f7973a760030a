// Drives the investor tools of two built sites in headless Chromium and prints what a visitor
// would see, as JSON, for the Rust test (tests/tools.rs) to check against its own arithmetic:
//   node tools.mjs '{"post_site": DIR, "mail_site": DIR, "widths": [390, 1280], "costs": "?…",
//                    "finder": ["?…", …], "carriers": "?…", "compare": "?…", "screenshots": DIR?}'
// `post_site` has an [enquiry] endpoint (a server the test runs), `mail_site` has none.
// Every request that leaves 127.0.0.1, every script error and any sideways scrolling is reported.
import { launch } from './chromium.mjs';
import { serveFolder } from './static.mjs';

const config = JSON.parse(process.argv[2]);

async function open(browser, width, report) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '127.0.0.1') {
      report.foreign.push(request.url());
    }
  });
  page.on('pageerror', (error) => report.errors.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // The browser asks for /favicon.ico by itself; the theme has none, and that is no script error.
    if (message.type() === 'error' && !(message.location().url || '').endsWith('/favicon.ico')) {
      report.errors.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
}

async function visit(page, url, report, shot) {
  await page.goto(url, { waitUntil: 'networkidle0' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) {
    report.overflow.push(`${url}: ${overflow}px wider than the window`);
  }
  if (config.screenshots && shot) {
    await page.screenshot({ path: `${config.screenshots}/${shot}.png`, fullPage: true });
  }
}

async function costRows(page) {
  await page.waitForFunction(() =>
    document.querySelectorAll('tr[data-park][data-annual-yuan], tr[data-park][data-missing]').length ===
    document.querySelectorAll('tr[data-park]').length);
  return page.$$eval('tr[data-park]', (rows) => rows.map((r) => ({
    park: r.getAttribute('data-park'),
    annual_yuan: r.getAttribute('data-annual-yuan'),
    land_yuan: r.getAttribute('data-land-yuan'),
    missing: r.getAttribute('data-missing'),
  })));
}

async function run(browser, width, sites) {
  const report = { width, foreign: [], errors: [], overflow: [] };
  const page = await open(browser, width, report);
  const post = sites.post.url;

  await visit(page, `${post}/costs/${config.costs}`, report, `costs-${width}`);
  report.costs = await costRows(page);
  // Edit one figure with the keyboard: totals follow and the address keeps the estimate.
  await page.focus('#in-gas_m3');
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.type('20');
  report.costs_edited = await costRows(page);
  report.costs_url = await page.evaluate(() => window.location.search);

  report.finder = [];
  for (const [i, query] of config.finder.entries()) {
    await visit(page, `${post}/finder/${query}`, report, i === 0 ? `finder-${width}` : null);
    report.finder.push(await page.$$eval('[data-policy]', (nodes) =>
      nodes.filter((n) => !n.hidden && n.offsetParent !== null).map((n) => n.getAttribute('data-policy'))));
  }
  report.finder_unchecked = await page.$$eval('[data-policy-unchecked]', (nodes) =>
    nodes.filter((n) => n.offsetParent !== null).map((n) => n.getAttribute('data-policy-unchecked')));

  await visit(page, `${post}/carriers/${config.carriers}`, report, `carriers-${width}`);
  report.carriers = await page.$$eval('[data-kind]', (nodes) => nodes
    .filter((n) => !n.hidden && n.offsetParent !== null)
    .map((n) => ({
      park: n.getAttribute('data-park'),
      kind: n.getAttribute('data-kind'),
      available_m2: n.getAttribute('data-available-m2'),
    })));

  await visit(page, `${post}/compare/${config.compare}`, report, `compare-${width}`);
  const columns = () => page.$$eval('thead th[data-park]', (nodes) =>
    nodes.filter((n) => !n.hidden).map((n) => n.getAttribute('data-park')));
  report.compare = await columns();
  await page.click('input[type="checkbox"][value="gamma"]');
  report.compare_added = await columns();
  report.compare_url = await page.evaluate(() => window.location.search);

  // Arrive through a tracked link, then enquire about a park from another page.
  await visit(page, `${post}/?utm_source=beijing-chamber`, report, null);
  await visit(page, `${post}/enquiry/?park=beta`, report, `enquiry-${width}`);
  await page.type('#eq-name', `Li Lei ${width}`);
  await page.type('#eq-phone', '13800000000');
  await page.type('#eq-message', 'Need 5000 m²');
  await page.click('input[name="consent"]');
  await page.click('.enquiry-form button[type="submit"]');
  await page.waitForSelector('[data-enquiry-thanks]:not([hidden])', { timeout: 10000 });
  report.posted = true;

  const mail = sites.mail.url;
  await visit(page, `${mail}/en/?utm_source=expo-2026`, report, null);
  await visit(page, `${mail}/en/enquiry/?park=gamma`, report, null);
  await page.type('#eq-name', 'Han Meimei');
  await page.type('#eq-phone', '13900000000');
  // Without consent the form is not sent.
  await page.click('.enquiry-form button[type="submit"]');
  report.sent_without_consent = await page.$eval('[data-enquiry-mail]', (n) => !n.hidden);
  await page.click('input[name="consent"]');
  await page.click('.enquiry-form button[type="submit"]');
  await page.waitForSelector('[data-enquiry-mail]:not([hidden])');
  report.mailto = await page.$eval('[data-enquiry-mailto]', (a) => a.getAttribute('href'));
  // "Copy for WeChat": the same text reaches the clipboard.
  await browser.defaultBrowserContext().overridePermissions(mail, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  await page.click('[data-enquiry-copy]');
  await page.waitForSelector('[data-enquiry-copied]:not([hidden])', { timeout: 5000 });
  report.wechat_text = await page.$eval('[data-enquiry-text]', (n) => n.textContent);
  report.copied = await page.evaluate(() => navigator.clipboard.readText());
  await page.close();
  return report;
}

const sites = { post: await serveFolder(config.post_site), mail: await serveFolder(config.mail_site) };
const browser = await launch();
try {
  const reports = [];
  for (const width of config.widths) {
    reports.push(await run(browser, width, sites));
  }
  process.stdout.write(JSON.stringify(reports));
} finally {
  await browser.close();
  await sites.post.close();
  await sites.mail.close();
}
