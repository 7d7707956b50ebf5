// A stand-in intranet for the embed test: a page with the SupportBot snippet, and the page's own backend route that
// signs its signed-in user in with the bot (a short-lived HS256 assertion, then POST /api/directline/token).
// It listens on 127.0.0.1 at a port of its own, so it is another origin than the bot, as a real intranet is.
import crypto from 'node:crypto';
import http from 'node:http';

const SESSION_COOKIE = 'intranet_session';

function base64Url(data) {
  return Buffer.from(data).toString('base64url');
}

/**
 * What the intranet's backend does for its signed-in user: an HS256 JWT with iss, aud, sub, name, upn, iat, exp
 * (two minutes) and a fresh jti, signed with the key it shares with the bot (WebChat:Intranet:SigningKey).
 */
export function mintAssertion({ key, issuer, audience, user, lifetimeSeconds = 120 }) {
  const now = Math.floor(Date.now() / 1000);
  const header = base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64Url(JSON.stringify({
    iss: issuer,
    aud: audience,
    sub: user.id,
    name: user.name,
    upn: user.upn,
    iat: now,
    exp: now + lifetimeSeconds,
    jti: crypto.randomUUID(),
  }));
  const signature = crypto.createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<rect width="64" height="64" rx="32" fill="#0f6cbd"/><path d="M18 34l9 9 19-21" stroke="#fff" stroke-width="6" fill="none"/></svg>`;

function escapeAttribute(value) {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function page(botBaseUrl, attributes) {
  const data = Object.entries(attributes)
    .map(([name, value]) => ` data-${name}="${escapeAttribute(value)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Contoso intranet</title>
<style>body{font-family:system-ui,sans-serif;margin:0;background:#f5f5f5}main{display:grid;grid-template-columns:1fr 420px;gap:24px;padding:24px}
article{background:#fff;padding:24px;border-radius:8px}</style></head>
<body>
<main>
  <article><h1>Welcome to the Contoso intranet</h1><p>News, people and tools. Need IT help? Ask in the chat.</p></article>
  <aside>
    <div id="supportbot"></div>
    <script src="${escapeAttribute(botBaseUrl)}/embed.js"${data} async></script>
  </aside>
</main>
</body>
</html>`;
}

/**
 * Starts the intranet; `botBaseUrl` is a function giving the bot's address (known once the bot has started).
 * GET /login signs the browser in as `user` (a session cookie), GET / is the page with the
 * snippet, POST /api/supportbot/token is the backend route the snippet calls: without a session it answers 401,
 * with one it mints an assertion and exchanges it for a Direct Line token at the bot, server to server.
 */
export async function startIntranet({ botBaseUrl, key, issuer, audience, user, attributes }) {
  const sessions = new Set();
  const tokenRequests = [];

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const cookie = (req.headers.cookie || '').split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      const session = cookie ? cookie.slice(SESSION_COOKIE.length + 1) : null;
      const signedIn = session !== null && sessions.has(session);

      if (req.method === 'GET' && url.pathname === '/login') {
        const id = crypto.randomUUID();
        sessions.add(id);
        res.writeHead(302, { Location: '/', 'Set-Cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` });
        res.end();
      } else if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(page(botBaseUrl(), attributes));
      } else if (req.method === 'GET' && url.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
      } else if (req.method === 'GET' && url.pathname === '/logo.svg') {
        res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
        res.end(LOGO);
      } else if (req.method === 'POST' && url.pathname === '/api/supportbot/token') {
        tokenRequests.push({ signedIn, origin: req.headers.origin || null });
        if (!signedIn) {
          res.writeHead(401, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: 'not signed in' }));
          return;
        }
        const assertion = mintAssertion({ key, issuer, audience, user });
        const answer = await fetch(`${botBaseUrl()}/api/directline/token`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${assertion}` },
        });
        res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(await answer.text());
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
      }
    } catch (err) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`the intranet could not reach the bot: ${err.message}`);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    tokenRequests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
