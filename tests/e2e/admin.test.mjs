// The IT lead's insight page (/admin) in headless Chromium (playwright-core): conversations held over Direct Line
// (botframework-directlinejs), then the Development account 'tech' (an admin in Development) signs in from the
// redirect, the charts render as SVG with their figures, the knowledge-gap list shows the cluster, a screenshot goes
// to artifacts/admin.png, the CSV downloads through the page's link with formulas neutralised, and the console's
// header links the admin to the page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { useBot, waitFor } from './support/bot.mjs';
import { openPage } from './support/browser.mjs';

// DirectLineJS expects browser globals; they must be set before the library is loaded.
const require = createRequire(import.meta.url);
globalThis.XMLHttpRequest = require('xhr2');
globalThis.WebSocket = require('ws');
const { DirectLine } = require('botframework-directlinejs');

const WAIT_MS = 30_000;
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const HYPERLINK = '=HYPERLINK("http://evil","click")';

// This file's bot gets databases of its own, so the page shows only these conversations.
// (node --test runs each file in its own process: these settings reach only this file's bot.)
const DATA = path.join(os.tmpdir(), `supportbot-e2e-admin-${crypto.randomBytes(6).toString('hex')}`);
process.env.Tickets__DatabaseFile = path.join(DATA, 'tickets.db');
process.env.Insights__DatabaseFile = path.join(DATA, 'insights.db');

let browser;
after(async () => {
  if (browser) {
    await browser.close().catch(() => {});
  }
});
const bot = useBot();
after(() => fs.rmSync(DATA, { recursive: true, force: true }));

/** The Development account's password, from the file the bot names in its start-up log line. */
function techPassword() {
  for (const line of bot.lines) {
    const match = /Technician console: sign in at \S+\/technician as 'tech' with the one-time password in (\S+)/.exec(line);
    if (match && fs.existsSync(match[1])) {
      return fs.readFileSync(match[1], 'utf8').trim();
    }
  }
  return null;
}

/** One Direct Line conversation: says each message in turn and waits for the bot's answer to it. */
async function converse(messages) {
  const userId = `dl_admin_${crypto.randomBytes(6).toString('hex')}`;
  const response = await fetch(`${bot.baseUrl}/api/directline/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { id: userId, name: 'E2E Employee' } }),
  });
  assert.equal(response.status, 200, bot.describe(`POST /api/directline/token answered ${response.status}`));
  const { token } = await response.json();
  const directLine = new DirectLine({ token, domain: `${bot.baseUrl}/v3/directline`, webSocket: false, pollingInterval: 200 });
  const fromBot = [];
  const subscription = directLine.activity$.subscribe((a) => {
    if (a.type === 'message' && a.from && a.from.id !== userId) {
      fromBot.push(a);
    }
  });
  try {
    await waitFor(() => fromBot.length > 0, { timeoutMs: WAIT_MS, message: () => bot.describe('no welcome message over Direct Line') });
    for (const text of messages) {
      const before = fromBot.length;
      await new Promise((resolve, reject) => {
        directLine.postActivity({ type: 'message', from: { id: userId, name: 'E2E Employee' }, text })
          .subscribe({ next: resolve, error: reject });
      });
      await waitFor(() => fromBot.length > before, {
        timeoutMs: WAIT_MS,
        message: () => bot.describe(`no reply to "${text}"`),
      });
    }
  } finally {
    subscription.unsubscribe();
    directLine.end();
  }
}

test('an admin reads the insight page in Chromium: charts, knowledge gaps, and the CSV download', async () => {
  await converse(['my printer is jammed', 'That fixed it']);
  await converse(["The zorblax on my desk won't glorp", 'The zorblax still refuses to glorp']);
  await converse([HYPERLINK]);
  const password = await waitFor(() => techPassword(), {
    timeoutMs: 10_000,
    message: () => bot.describe('the bot did not log the Development technician account ("Technician console: sign in at …")'),
  });

  let page;
  let problems;
  ({ browser, page, problems } = await openPage(bot.baseUrl, { width: 1300, height: 1000 }));
  const explain = (what) => bot.describe(`${what}\npage problems:\n${problems.join('\n') || '(none)'}`);
  const step = async (what, action) => {
    try {
      return await action();
    } catch (err) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-failed.png'), fullPage: true }).catch(() => {});
      throw new Error(explain(`${what}: ${err.message}`), { cause: err });
    }
  };

  // Not signed in: the sign-in page, which comes back to /admin.
  await step('opening /admin', () => page.goto(`${bot.baseUrl}/admin`, { waitUntil: 'load', timeout: WAIT_MS }));
  assert.equal(new URL(page.url()).pathname, '/technician/login', `an anonymous visit to /admin ended at ${page.url()}`);
  await page.getByLabel('User name').fill('tech');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await step('waiting for the insight page after signing in', () => page.waitForURL(/\/admin$/, { timeout: WAIT_MS }));
  await step('waiting for the heading', () => page.getByRole('heading', { name: 'SupportBot insights' }).waitFor({ timeout: WAIT_MS }));

  // Conversations per day: an SVG named by its title, with today's stacked bar holding all three conversations.
  const perDay = page.getByRole('img', { name: 'Conversations per day' });
  await step('waiting for the per-day chart', () => perDay.waitFor({ timeout: WAIT_MS }));
  const today = new Date().toISOString().slice(0, 10);
  const todayBar = page.locator(`svg[data-chart="per-day"] g.day[data-day="${today}"]`);
  assert.equal(await todayBar.getAttribute('data-conversations'), '3');
  assert.match(await todayBar.locator('title').textContent(), /3 conversations \(1 confirmed, 2 potential, 0 escalated\)/);
  const bars = page.locator('svg[data-chart="per-day"] rect.bar');
  assert.equal(await bars.count(), 2, 'today has a confirmed and a potential bar segment');
  const box = await bars.first().boundingBox();
  assert.ok(box && box.height > 0 && box.width > 0, `the bar is drawn (${JSON.stringify(box)})`);

  // The outcome split, in the chart's description and in the legend as text.
  const donut = page.getByRole('img', { name: 'Outcome of each conversation' });
  assert.match(await donut.locator('desc').textContent(), /1 confirmed \(33%\), 2 potential \(67%\), 0 escalated \(0%\) of 3/);
  assert.match(await page.locator('#outcome-legend').innerText(), /Confirmed deflection: 1 \(33%\)/);
  assert.match(await page.locator('#hours-formula').innerText(), /\(1 confirmed × 15 min \+ 2 potential × 15 min × 0\.5\) ÷ 60 = 0\.5 hours/);

  // Knowledge gaps: the two zorblax questions are one cluster of two, with both as examples.
  const gap = page.locator('#gaps tr.gap').filter({ hasText: 'zorblax' });
  assert.equal(await gap.count(), 1, 'one zorblax cluster');
  assert.equal(await gap.getAttribute('data-count'), '2');
  const examples = await gap.locator('ul.examples li').allInnerTexts();
  assert.deepEqual([...examples].sort(), ["The zorblax on my desk won't glorp", 'The zorblax still refuses to glorp']);

  // What an employee typed is text on the page, never a live link.
  assert.ok(await page.getByText(HYPERLINK).first().isVisible(), 'the formula question shows as text');
  assert.equal(await page.locator('a[href^="http://evil"]').count(), 0);

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin.png'), fullPage: true });

  // The CSV, through the page's own link.
  const [download] = await step('downloading the CSV', () => Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]));
  assert.match(download.suggestedFilename(), /^supportbot-insights-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(csv.includes(`"'=HYPERLINK(""http://evil"",""click"")"`), `the formula is neutralised in the CSV:\n${csv}`);
  assert.ok(!/(^|,)"?=HYPERLINK/m.test(csv), 'no cell starts with =HYPERLINK');
  assert.ok(csv.includes(`${today},3,1,2,0`), `the CSV has today's conversations:\n${csv}`);

  assert.deepEqual(problems, [], 'the insight page had console errors (a CSP violation shows here) or failed requests');

  // The technician console's header links admins to the page.
  await step('opening the console', () => page.goto(`${bot.baseUrl}/technician/`, { waitUntil: 'load', timeout: WAIT_MS }));
  const insights = page.getByRole('banner').getByRole('link', { name: 'Insights' });
  await step('waiting for the Insights link in the console header', () => insights.waitFor({ state: 'visible', timeout: WAIT_MS }));
  await insights.click();
  await step('following the Insights link', () => page.waitForURL(/\/admin$/, { timeout: WAIT_MS }));
});
