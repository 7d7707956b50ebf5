// A self-help action from the web chat page in headless Chromium (playwright-core): chat as a demo tenant person
// (the "chat as" picker), restart a laptop through the Adaptive Card confirmation, then chat as a guest.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBot } from './support/bot.mjs';
import { openPage } from './support/browser.mjs';

const WAIT_MS = 30_000;
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const REQUEST = 'restart my laptop';
const GUEST = 'Guest (not in the directory)';

// Web Chat's send box (an <input> or <textarea>, depending on styleOptions); its aria-label is localised.
const SEND_BOX = '[data-id="webchat-sendbox-input"], #webchat [aria-label="Message input box"]';
// A message bubble that is not the user's own.
const BOT_BUBBLE = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
const USER_BUBBLE = '#webchat .webchat__bubble--from-user';

const bot = useBot();
let browser;

after(async () => {
  if (browser) {
    await browser.close();
  }
});

test('a demo tenant person restarts their laptop from the web chat page; a guest is refused', async () => {
  const configResponse = await fetch(`${bot.baseUrl}/api/webchat/config`);
  assert.equal(configResponse.status, 200, bot.describe(`GET /api/webchat/config answered ${configResponse.status}`));
  const config = await configResponse.json();
  assert.ok(config.demo, `/api/webchat/config has no demo tenant (is SelfHelp:Mode Sandbox?): ${JSON.stringify(config)}`);
  assert.equal(config.demo.defaultUser, 'AdeleV@contoso.com');
  const adele = config.demo.users.find((u) => u.id === 'AdeleV@contoso.com');
  assert.ok(adele, `the demo tenant has no AdeleV@contoso.com: ${JSON.stringify(config.demo)}`);

  let page;
  let problems;
  ({ browser, page, problems } = await openPage(bot.baseUrl, { width: 1100, height: 900 }));

  // What the page posts to the bot (Direct Line activities), to explain a card click that doesn't arrive.
  const posted = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/v3\/directline\/conversations\/[^/]+\/activities$/.test(request.url())) {
      posted.push(request.postData() || '');
    }
  });

  const explain = (what) => bot.describe(`${what}\npage problems:\n${problems.join('\n') || '(none)'}\n` +
    `activities the page posted:\n${posted.join('\n') || '(none)'}`);
  const step = async (what, action) => {
    try {
      return await action();
    } catch (err) {
      throw new Error(explain(`${what}: ${err.message}`), { cause: err });
    }
  };
  const screenshot = async (name) => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch((err) => {
      console.log(`# could not take the screenshot ${name}: ${err.message}`);
    });
  };
  const waitForBot = (what, text) => step(`waiting for the bot's reply ${what}`, () =>
    page.locator(BOT_BUBBLE).filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: WAIT_MS }));
  const send = async (message) => {
    const sendBox = page.locator(SEND_BOX).first();
    await step('waiting for the send box', () => sendBox.waitFor({ state: 'visible', timeout: WAIT_MS }));
    await sendBox.click();
    await sendBox.pressSequentially(message);
    await sendBox.press('Enter');
    await step(`waiting for "${message}" to appear as the user's message`, () =>
      page.locator(USER_BUBBLE).filter({ hasText: message }).first().waitFor({ state: 'visible', timeout: WAIT_MS }));
  };

  try {
    await step('loading the page', () => page.goto(`${bot.baseUrl}/`, { waitUntil: 'load', timeout: WAIT_MS }));
    await waitForBot('welcoming the user ("IT help desk")', 'IT help desk');

    // The "chat as" picker: labelled, in the page's header, Adele Vance by default.
    const picker = page.getByRole('banner').getByLabel('Demo tenant — chat as');
    await step('waiting for the "chat as" picker', () => picker.waitFor({ state: 'visible', timeout: WAIT_MS }));
    const selected = await picker.evaluate((select) => select.selectedOptions[0] && select.selectedOptions[0].textContent);
    assert.match(selected || '', /^Adele Vance/, `the picker should show Adele Vance, not "${selected}"`);
    assert.equal(await picker.inputValue(), 'AdeleV@contoso.com');
    const options = await picker.locator('option').allTextContents();
    assert.equal(options.at(-1), GUEST, `the last choice is the guest: ${JSON.stringify(options)}`);
    assert.equal(options.length, config.demo.users.length + 1);

    // As Adele: restart her laptop through the confirmation card.
    await send(REQUEST);
    const card = page.locator('#webchat .ac-adaptiveCard').filter({ hasText: 'Restart DESKTOP-ADELE01?' }).first();
    await step('waiting for the Adaptive Card "Restart DESKTOP-ADELE01?"', () => card.waitFor({ state: 'visible', timeout: WAIT_MS }));
    const restartNow = card.getByRole('button', { name: 'Restart now' });
    await step('waiting for the card\'s "Restart now" button', () => restartNow.waitFor({ state: 'visible', timeout: WAIT_MS }));
    await screenshot('selfhelp-confirm.png');

    const before = posted.length;
    await restartNow.click();
    await waitForBot('confirming the restart ("will restart")', 'will restart');
    // Web Chat scrolls to new messages with an animation: let it finish for the screenshot.
    await page.locator(BOT_BUBBLE).filter({ hasText: 'will restart' }).first().scrollIntoViewIfNeeded().catch(() => {});
    await page.waitForTimeout(500);
    const submit = posted.slice(before).map((body) => JSON.parse(body)).find((a) => a.value);
    assert.ok(submit, explain('the card click posted no activity with a value'));
    assert.equal(submit.value.kind, 'selfhelp.confirm');
    assert.equal(submit.value.action, 'device.restart');
    assert.equal(submit.value.approved, true);
    assert.equal(typeof submit.value.token, 'string');
    await screenshot('selfhelp-done.png');

    // As a guest: a new chat, and actions are politely refused.
    await picker.selectOption({ label: GUEST });
    assert.equal(await page.evaluate(() => window.localStorage.getItem('supportbot.demoUser')), 'guest');
    await step('waiting for the old chat to go', () =>
      page.locator(USER_BUBBLE).filter({ hasText: REQUEST }).first().waitFor({ state: 'detached', timeout: WAIT_MS }));
    await waitForBot('welcoming the guest ("IT help desk")', 'IT help desk');
    await send(REQUEST);
    // Web Chat's Markdown turns the apostrophe into a typographic one.
    await waitForBot('refusing the guest ("couldn\'t find your account in the directory")', /couldn['’]t find your account in the directory/);
    assert.equal(await page.locator('#webchat .ac-adaptiveCard').count(), 0, 'a guest gets no confirmation card');

    // Let late requests or console errors surface before judging the page.
    await page.waitForTimeout(500);
  } finally {
    await screenshot('selfhelp.png');
  }

  assert.deepEqual(problems, [], explain('the page had console errors or failed requests to the bot'));
});
