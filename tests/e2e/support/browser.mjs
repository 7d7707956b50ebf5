// Opens the bot's web page in headless Chromium (playwright-core) and collects what a user would see go wrong:
// console errors, uncaught exceptions, failed requests and 4xx/5xx answers from the bot.
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function openPage(baseUrl, viewport) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ locale: 'en-US', viewport });
  const page = await context.newPage();

  const origin = new URL(baseUrl).origin;
  const problems = [];
  const report = (problem) => {
    problems.push(problem);
    console.log(`# page problem: ${problem}`);
  };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location() && message.location().url ? ` (${message.location().url})` : '';
      report(`console error: ${message.text()}${where}`);
    }
  });
  page.on('pageerror', (error) => report(`uncaught exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(origin)) {
      report(`request failed: ${request.method()} ${request.url()}: ${request.failure() && request.failure().errorText}`);
    }
  });
  page.on('response', (response) => {
    if (response.url().startsWith(origin) && response.status() >= 400) {
      report(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  return { browser, page, problems };
}
