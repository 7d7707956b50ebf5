// Drives the web chat page (bot/wwwroot, Bot Framework Web Chat) in headless Chromium with playwright-core.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBot } from './support/bot.mjs';
import { openPage } from './support/browser.mjs';

const WAIT_MS = 30_000;
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const QUESTION = 'How do I connect to the VPN?';

// Web Chat's send box (an <input> or <textarea>, depending on styleOptions); its aria-label is localised.
const SEND_BOX = '[data-id="webchat-sendbox-input"], #webchat [aria-label="Message input box"]';
// A message bubble that is not the user's own.
const BOT_BUBBLE = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';

const bot = useBot();
let browser;

after(async () => {
  if (browser) {
    await browser.close();
  }
});

test('the web chat page talks to the bot in a browser', async () => {
  const configResponse = await fetch(`${bot.baseUrl}/api/webchat/config`);
  assert.equal(configResponse.status, 200, bot.describe(`GET /api/webchat/config answered ${configResponse.status}`));
  const config = await configResponse.json();
  const organisationName = config && config.helpDesk && config.helpDesk.organisationName;
  assert.ok(organisationName, `/api/webchat/config has no helpDesk.organisationName: ${JSON.stringify(config)}`);

  let page;
  let problems;
  ({ browser, page, problems } = await openPage(bot.baseUrl, { width: 1100, height: 800 }));

  const explain = (what) => bot.describe(`${what}\npage problems:\n${problems.join('\n') || '(none)'}`);
  const step = async (what, action) => {
    try {
      return await action();
    } catch (err) {
      throw new Error(explain(`${what}: ${err.message}`), { cause: err });
    }
  };

  try {
    await step('loading the page', () => page.goto(`${bot.baseUrl}/`, { waitUntil: 'load', timeout: WAIT_MS }));

    await step('waiting for the bot\'s welcome message ("IT help desk")', () =>
      page.locator(BOT_BUBBLE).filter({ hasText: 'IT help desk' }).first().waitFor({ state: 'visible', timeout: WAIT_MS }));

    const header = page.getByRole('banner'); // the page's own header (Web Chat has <header>s inside)
    await step(`waiting for the header to show "${organisationName}"`, () =>
      header.getByText(organisationName, { exact: true }).waitFor({ state: 'visible', timeout: WAIT_MS }));
    assert.match(await header.innerText(), /IT Help Desk/i, 'the header names the IT help desk');

    const sendBox = page.locator(SEND_BOX).first();
    await step('waiting for the send box', () => sendBox.waitFor({ state: 'visible', timeout: WAIT_MS }));
    await step('waiting for the page to focus the send box', () => page.waitForFunction(
      (selector) => document.activeElement && document.activeElement.matches(selector), SEND_BOX, { timeout: 10_000 }));

    await sendBox.click();
    await sendBox.pressSequentially(QUESTION);
    await sendBox.press('Enter');

    await step('waiting for the question to appear as the user\'s message', () =>
      page.locator('#webchat .webchat__bubble--from-user').filter({ hasText: QUESTION }).first()
        .waitFor({ state: 'visible', timeout: WAIT_MS }));
    await step('waiting for the bot\'s answer linking the VPN article', () =>
      page.locator(`${BOT_BUBBLE} a[href$="/kb/vpn-connect"]`).first().waitFor({ state: 'visible', timeout: WAIT_MS }));

    const fixedIt = page.locator('button:visible', { hasText: 'That fixed it' }).first();
    await step('waiting for the "That fixed it" button', () => fixedIt.waitFor({ state: 'visible', timeout: WAIT_MS }));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-answer.png'), fullPage: true }).catch(() => {});
    await fixedIt.click();
    await step('waiting for the bot to acknowledge the feedback', () =>
      page.locator(BOT_BUBBLE).filter({ hasText: 'glad that sorted it' }).first().waitFor({ state: 'visible', timeout: WAIT_MS }));

    // Let late requests or console errors surface before judging the page.
    await page.waitForTimeout(500);
  } finally {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat.png'), fullPage: true }).catch((err) => {
      console.log(`# could not take the screenshot: ${err.message}`);
    });
  }

  assert.deepEqual(problems, [], explain('the page had console errors or failed requests to the bot'));
});
