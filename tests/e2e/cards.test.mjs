// Every kind of Adaptive Card the bot sends, collected from real turns (Teams and Web Chat activities posted to
// /api/messages; replies captured by a local stand-in for the channel's connector, which is also the technicians'
// Teams channel), parsed by the adaptivecards library (no errors, no warnings) and rendered in Chromium, with a
// screenshot of each kept in artifacts/cards/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { useBot, waitFor } from './support/bot.mjs';
import { openPage } from './support/browser.mjs';

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.min.js');
const AC_BUNDLE = require.resolve('adaptivecards/dist/adaptivecards.min.js');
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts', 'cards');
const TECHNICIANS_CHANNEL = '19:it-desk@thread.tacv2';
const ADELE = { id: '29:adele', name: 'Adele Vance', aadObjectId: 'fa3c0f5c-c02b-494f-af8e-5cd3c163a222' };

// The channel's connector: records what the bot posts, answers like the Bot Connector does.
const received = [];
const connector = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(request.url || '');
    if (match && (request.method === 'POST' || request.method === 'PUT')) {
      const activity = JSON.parse(body);
      received.push({ conversationId: decodeURIComponent(match[1]), activity });
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: `reply-${received.length}` }));
  });
});
await new Promise((resolve) => connector.listen(0, '127.0.0.1', resolve));
const serviceUrl = `http://127.0.0.1:${connector.address().port}/`;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-cards-'));

const bot = useBot({
  Tickets__DatabaseFile: path.join(scratch, 'tickets.db'),
  SelfHelp__AuditLogFile: path.join(scratch, 'audit.jsonl'),
  Tickets__Teams__ChannelId: TECHNICIANS_CHANNEL,
  Tickets__Teams__ServiceUrl: serviceUrl,
});
let browser;

after(async () => {
  if (browser) {
    await browser.close();
  }
  await new Promise((resolve) => connector.close(resolve));
  fs.rmSync(scratch, { recursive: true, force: true });
});

let sequence = 0;
async function say(channelId, conversationId, text, from = ADELE) {
  const activity = {
    type: 'message',
    id: `m-${++sequence}`,
    channelId,
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: { id: 'bot-1', name: 'SupportBot' },
    conversation: { id: conversationId, conversationType: 'personal' },
    text,
  };
  const messagesIn = () => received.filter((r) => r.conversationId === conversationId && r.activity.type === 'message');
  const before = messagesIn().length;
  const response = await fetch(`${bot.baseUrl}/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity),
  });
  assert.equal(response.status, 200, bot.describe(`"${text}" was answered ${response.status}`));
  const replies = await waitFor(() => {
    const messages = messagesIn();
    return messages.length > before ? messages.slice(before).map((r) => r.activity) : null;
  }, { message: () => bot.describe(`no reply to "${text}"`) });
  return replies;
}

const cardsIn = (activities) => activities.flatMap((a) => (a.attachments || [])
  .filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive').map((x) => x.content));

function problemsOf(json) {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems = [];
  for (let i = 0; i < context.eventCount; i++) {
    problems.push(`parse: ${context.getEventAt(i).message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`validate: ${event.message}`);
  }
  return problems;
}

test('every card the bot sends parses cleanly and renders', { timeout: 180_000 }, async () => {
  const gallery = {};
  const teams = `teams-${Date.now()}`;
  gallery['answer-teams'] = cardsIn(await say('msteams', teams, 'my printer is jammed'))[0];
  gallery['clarify-teams'] = cardsIn(await say('msteams', teams, 'vpn'))[0];
  gallery['confirm-restart-teams'] = cardsIn(await say('msteams', teams, 'restart my laptop'))[0];
  gallery['action-result-teams'] = cardsIn(await say('msteams', teams, 'install visio'))[0];
  const handoff = `teams-handoff-${Date.now()}`;
  await say('msteams', handoff, 'talk to a person');
  gallery['handoff-review-teams'] = cardsIn(await say('msteams', handoff, 'my docking station stopped charging the laptop'))[0];
  await say('msteams', handoff, 'Send it');
  const posted = await waitFor(() => received.find((r) => r.conversationId.startsWith(TECHNICIANS_CHANNEL)),
    { message: () => bot.describe('no ticket card in the technicians\' channel') });
  gallery['ticket-technicians-channel'] = cardsIn([posted.activity])[0];
  gallery['answer-webchat'] = cardsIn(await say('webchat', `webchat-${Date.now()}`, 'how do I set up email on my iPhone'))[0];

  const missing = Object.entries(gallery).filter(([, card]) => !card).map(([name]) => name);
  assert.deepEqual(missing, [], 'every reply above should carry an Adaptive Card');

  for (const [name, card] of Object.entries(gallery)) {
    assert.deepEqual(problemsOf(card), [], `${name}: the adaptivecards library reports problems`);
  }

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  let page;
  let problems;
  ({ browser, page, problems } = await openPage(bot.baseUrl, { width: 520, height: 900 }));
  await page.setContent('<!doctype html><html><body style="font-family: Segoe UI, sans-serif; background: #f5f5f5; margin: 0"></body></html>');
  await page.addScriptTag({ path: AC_BUNDLE });
  for (const [name, card] of Object.entries(gallery)) {
    fs.writeFileSync(path.join(ARTIFACTS, `${name}.json`), JSON.stringify(card, null, 2));
    const rendered = await page.evaluate(({ name, card }) => {
      // Just enough Markdown for the screenshot: bold and links, as Teams and Web Chat show them.
      window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
        const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
        result.outputHtml = escaped.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
          .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');
        result.didProcess = true;
      };
      const host = document.createElement('div');
      host.id = name;
      host.style.cssText = 'width: 480px; margin: 16px; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.2)';
      document.body.appendChild(host);
      const adaptiveCard = new window.AdaptiveCards.AdaptiveCard();
      adaptiveCard.parse(card);
      const element = adaptiveCard.render();
      host.appendChild(element);
      return { height: host.getBoundingClientRect().height, text: host.innerText, buttons: host.querySelectorAll('button').length };
    }, { name, card });
    assert.ok(rendered.height > 40, `${name} rendered ${rendered.height}px tall`);
    assert.ok(rendered.text.trim().length > 20, `${name} shows text: ${rendered.text}`);
    await page.locator(`[id="${name}"]`).screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    if (name === 'confirm-restart-teams') {
      assert.equal(rendered.buttons, 2, 'the confirmation card has confirm and cancel buttons');
      assert.match(rendered.text, /Only you can use this card/);
    }
    if (name === 'handoff-review-teams') {
      assert.match(rendered.text, /Here's what I'll send to the IT team/);
      assert.match(rendered.text, /Send it/);
    }
    if (name === 'answer-teams') {
      assert.match(rendered.text, /That fixed it/);
      assert.match(rendered.text, /Source:/);
    }
  }
  assert.deepEqual(problems, [], 'the page reported problems');
});
