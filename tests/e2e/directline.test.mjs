// Talks to SupportBot over its Direct Line v3 endpoint with the official Direct Line client
// (botframework-directlinejs, polling) from Node, like Web Chat does in a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { useBot } from './support/bot.mjs';

// DirectLineJS expects browser globals; they must be set before the library is loaded.
const require = createRequire(import.meta.url);
globalThis.XMLHttpRequest = require('xhr2');
globalThis.WebSocket = require('ws');
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const WAIT_MS = 30_000;
const bot = useBot();

async function getToken(user) {
  const url = `${bot.baseUrl}/api/directline/token`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ user }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, bot.describe(`POST ${url} answered ${response.status}: ${text}`));
  const json = JSON.parse(text);
  assert.equal(typeof json.token, 'string', bot.describe(`token response has no token: ${text}`));
  return json;
}

/** Collects every activity and lets a test wait for one that matches. */
function watchActivities(directLine) {
  const activities = [];
  const waiters = [];
  let failure = null;
  const subscription = directLine.activity$.subscribe({
    next(activity) {
      activities.push(activity);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(activity)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(activity);
        }
      }
    },
    error(err) {
      failure = err;
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(bot.describe(`activity$ failed: ${err && (err.message || err.status || err)}`)));
      }
    },
  });

  function summary() {
    return activities.map((a) => `  ${a.type} from ${a.from && a.from.id}: ${JSON.stringify(a.text ?? null)} (id ${a.id})`).join('\n') || '  (none)';
  }

  function waitFor(description, predicate, timeoutMs = WAIT_MS) {
    const seen = activities.find(predicate);
    if (seen) {
      return Promise.resolve(seen);
    }
    if (failure) {
      return Promise.reject(new Error(bot.describe(`activity$ had failed before waiting for ${description}`)));
    }
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve, reject };
      waiters.push(waiter);
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(bot.describe(
          `timed out after ${timeoutMs / 1000} s waiting for ${description}; activities received:\n${summary()}\n` +
          `connection status: ${ConnectionStatus[directLine.connectionStatus$.getValue()]}`)));
      }, timeoutMs);
      waiter.resolve = (activity) => { clearTimeout(timer); resolve(activity); };
      waiter.reject = (err) => { clearTimeout(timer); reject(err); };
    });
  }

  return { activities, waitFor, summary, unsubscribe: () => subscription.unsubscribe() };
}

test('a Direct Line client gets the welcome message and a reply to its message', async () => {
  const userId = `dl_e2e_${crypto.randomBytes(6).toString('hex')}`;
  const user = { id: userId, name: 'E2E' };
  const { token } = await getToken(user);

  const directLine = new DirectLine({
    token,
    domain: `${bot.baseUrl}/v3/directline`,
    webSocket: false,
    pollingInterval: 200,
  });
  const watcher = watchActivities(directLine);
  const fromBot = (a) => a.type === 'message' && a.from && a.from.id !== userId;

  try {
    const welcome = await watcher.waitFor('the bot\'s welcome message (text containing "IT help desk")',
      (a) => fromBot(a) && typeof a.text === 'string' && a.text.includes('IT help desk'));
    assert.ok(welcome.text.includes('IT help desk'));

    const text = 'my printer is jammed';
    const postedId = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(bot.describe(`postActivity did not complete within ${WAIT_MS / 1000} s`))), WAIT_MS);
      directLine.postActivity({ type: 'message', from: { id: userId, name: 'E2E' }, text }).subscribe({
        next: (id) => { clearTimeout(timer); resolve(id); },
        error: (err) => {
          clearTimeout(timer);
          reject(new Error(bot.describe(`postActivity failed: ${err && (err.message || err.status || err)}`)));
        },
      });
    });
    assert.equal(typeof postedId, 'string', `postActivity returned ${JSON.stringify(postedId)}, not an activity id`);
    assert.notEqual(postedId, 'retry', bot.describe('postActivity gave up ("retry"): the bot did not accept the activity'));

    const echo = await watcher.waitFor(`the user's own message echoed back with id ${postedId}`,
      (a) => a.id === postedId);
    assert.equal(echo.type, 'message');
    assert.equal(echo.text, text, 'the echoed activity has the text that was sent');
    assert.equal(echo.from && echo.from.id, userId, 'the echoed activity is from the user');

    const reply = await watcher.waitFor('a bot answer citing the printer troubleshooting article',
      (a) => fromBot(a) && a.id !== welcome.id && a.replyToId === postedId);
    const citation = (reply.entities || []).find((e) => e.type === 'https://schema.org/Message');
    assert.ok(citation, bot.describe(`the answer carries no citation entity: ${JSON.stringify(reply)}`));
    assert.match(citation.citation[0].appearance.url, /\/kb\/printer-troubleshoot$/);
    assert.deepEqual(reply.suggestedActions.actions.map((a) => a.title), ['That fixed it', 'Still stuck']);
  } finally {
    watcher.unsubscribe();
    directLine.end();
  }
});
