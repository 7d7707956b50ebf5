// The web chat widget on an intranet page, in headless Chromium (playwright-core): the page (another origin, served by
// a stand-in intranet on 127.0.0.1) pastes the snippet; the intranet's backend signs its user in with the bot; the
// widget shows the page's theme, greets the signed-in user, answers a question and renews its token. A signed-out
// visitor gets a clear message instead of a chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { useBot } from './support/bot.mjs';
import { openPage } from './support/browser.mjs';
import { startIntranet } from './support/intranet.mjs';

const WAIT_MS = 30_000;
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const QUESTION = 'how do I connect to the guest wifi';
const ACCENT = '#0f6cbd';
const ACCENT_RGB = 'rgb(15, 108, 189)';
const TITLE = 'IT help';
const ISSUER = 'https://intranet.contoso.test';
const AUDIENCE = 'supportbot';
const USER = { id: 'e1f2a3b4-0001', name: 'Adele Vance', upn: 'AdeleV@contoso.com' };

// Generated per run: the shared key lives only in this process, the bot's environment and the intranet stand-in.
const KEY = crypto.randomBytes(32);

const WIDGET = '#supportbot';
const SEND_BOX = `${WIDGET} [data-id="webchat-sendbox-input"], ${WIDGET} [aria-label="Message input box"]`;
const BOT_BUBBLE = `${WIDGET} .webchat__bubble:not(.webchat__bubble--from-user)`;
const USER_BUBBLE = `${WIDGET} .webchat__bubble--from-user`;

const bot = useBot({
  WebChat__Intranet__SigningKey: KEY.toString('base64'),
  WebChat__Intranet__Issuer: ISSUER,
  WebChat__Intranet__Audience: AUDIENCE,
  // Short, so the test sees the widget renew its token (at half the lifetime) and keep chatting.
  DirectLine__TokenLifetime: '00:01:00',
});

let intranet;
const browsers = [];

before(async () => {
  intranet = await startIntranet({
    botBaseUrl: () => bot.baseUrl,
    key: KEY,
    issuer: ISSUER,
    audience: AUDIENCE,
    user: USER,
    attributes: {
      'token-url': '/api/supportbot/token',
      title: TITLE,
      accent: ACCENT,
      avatar: '/logo.svg',
      height: '620',
      'unknown-setting': 'ignored',
    },
  });
});

after(async () => {
  for (const browser of browsers) {
    await browser.close();
  }
  if (intranet) {
    await intranet.close();
  }
});

// What a user would see go wrong on either origin: console errors, exceptions, failed requests, 4xx/5xx answers.
async function open(expectedFailures = []) {
  const { browser, page, problems } = await openPage(intranet.baseUrl, { width: 1200, height: 860 });
  browsers.push(browser);
  const botOrigin = new URL(bot.baseUrl).origin;
  const expected = (text) => expectedFailures.some((pattern) => pattern.test(text));
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(botOrigin)) {
      problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure() && request.failure().errorText}`);
    }
  });
  page.on('response', (response) => {
    if (response.url().startsWith(botOrigin) && response.status() >= 400) {
      problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  const unexpected = () => problems.filter((p) => !expected(p));
  const explain = (what) => bot.describe(`${what}\npage problems:\n${problems.join('\n') || '(none)'}`);
  const step = async (what, action) => {
    try {
      return await action();
    } catch (err) {
      throw new Error(explain(`${what}: ${err.message}`), { cause: err });
    }
  };
  return { page, unexpected, explain, step };
}

async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch((err) => {
    console.log(`# could not take the screenshot ${name}: ${err.message}`);
  });
}

test('a signed-in intranet user chats with the bot in the themed widget, and it renews its token', async () => {
  const { page, unexpected, explain, step } = await open();
  const refreshes = [];
  page.on('response', (response) => {
    if (/\/v3\/directline\/tokens\/refresh$/.test(response.url())) {
      refreshes.push(response.status());
    }
  });

  try {
    await step('signing in to the intranet and loading its home page', () =>
      page.goto(`${intranet.baseUrl}/login`, { waitUntil: 'load', timeout: WAIT_MS }));

    const titlebar = page.locator(`${WIDGET} [data-supportbot="titlebar"]`);
    await step(`waiting for the title bar "${TITLE}"`, () =>
      titlebar.getByText(TITLE, { exact: true }).waitFor({ state: 'visible', timeout: WAIT_MS }));
    assert.equal(await titlebar.evaluate((el) => getComputedStyle(el).backgroundColor), ACCENT_RGB, 'the title bar wears the accent');
    assert.equal(await titlebar.locator('img').getAttribute('src'), `${intranet.baseUrl}/logo.svg`, 'the title bar shows the avatar');

    await step('waiting for the bot to greet the intranet\'s signed-in user by name', () =>
      page.locator(BOT_BUBBLE).filter({ hasText: 'Hi Adele!' }).first().waitFor({ state: 'visible', timeout: WAIT_MS }));
    const botAvatar = page.locator(`${WIDGET} .webchat__imageAvatar img, ${WIDGET} img.webchat__imageAvatar__image`).first();
    await step('waiting for the bot\'s avatar image in the chat', () => botAvatar.waitFor({ state: 'attached', timeout: WAIT_MS }));
    assert.equal(await botAvatar.getAttribute('src'), `${intranet.baseUrl}/logo.svg`, 'the bot\'s messages carry the avatar');

    const sendBox = page.locator(SEND_BOX).first();
    await step('waiting for the send box', () => sendBox.waitFor({ state: 'visible', timeout: WAIT_MS }));
    await sendBox.click();
    await sendBox.pressSequentially(QUESTION);
    await sendBox.press('Enter');

    const question = page.locator(USER_BUBBLE).filter({ hasText: QUESTION }).first();
    await step('waiting for the question to appear as the user\'s message', () => question.waitFor({ state: 'visible', timeout: WAIT_MS }));
    assert.equal(await question.locator('.webchat__bubble__content').evaluate((el) => getComputedStyle(el).backgroundColor),
      ACCENT_RGB, 'the user\'s bubble wears the accent');
    await step('waiting for the bot\'s answer linking the guest Wi-Fi article', () =>
      page.locator(`${BOT_BUBBLE} a[href$="/kb/wifi-guest"]`).first().waitFor({ state: 'visible', timeout: WAIT_MS }));
    // Show the theme at work: the welcome with the avatar, the question in the accent, the start of the answer.
    await page.locator(BOT_BUBBLE).filter({ hasText: 'Hi Adele!' }).first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'embed-widget.png');

    // The token lives a minute; the widget renews it at half-time and the chat goes on with the new one.
    await step('waiting for the widget to renew its Direct Line token', () =>
      page.waitForResponse((r) => /\/v3\/directline\/tokens\/refresh$/.test(r.url()) && r.status() === 200, { timeout: 60_000 }));
    await sendBox.click();
    await sendBox.pressSequentially('my screen is frozen');
    await sendBox.press('Enter');
    await step('waiting for an answer after the renewal', () =>
      page.locator(`${BOT_BUBBLE} a[href$="/kb/screen-frozen"]`).first().waitFor({ state: 'visible', timeout: WAIT_MS }));
    assert.deepEqual(refreshes.filter((s) => s !== 200), [], 'every renewal succeeded');
  } catch (err) {
    await screenshot(page, 'embed-widget-failed.png');
    throw err;
  }

  assert.ok(intranet.tokenRequests.length >= 1 && intranet.tokenRequests.every((r) => r.signedIn), 'the token came from the signed-in session');
  assert.deepEqual(unexpected(), [], explain('the page had console errors or failed requests'));
});

test('a visitor who is not signed in to the intranet sees a clear message instead of the chat', async () => {
  // The browser logs the intranet route's 401 as a failed resource; that is the case under test.
  const { page, unexpected, explain, step } = await open([/status of 401/, /^HTTP 401 for POST \S+\/api\/supportbot\/token$/]);

  await step('loading the intranet page without signing in', () =>
    page.goto(`${intranet.baseUrl}/`, { waitUntil: 'load', timeout: WAIT_MS }));
  const notice = page.locator(`${WIDGET} [data-supportbot="notice"]`);
  await step('waiting for the "please sign in" message', () =>
    notice.getByText('Please sign in to the intranet to chat with IT help.').waitFor({ state: 'visible', timeout: WAIT_MS }));
  assert.equal(await notice.getAttribute('role'), 'alert');
  assert.equal(await page.locator(SEND_BOX).count(), 0, 'no chat without a token');
  await screenshot(page, 'embed-signed-out.png');

  assert.deepEqual(unexpected(), [], explain('the page had unexpected console errors or failed requests'));
});
