// An independent OpenID Connect provider for Conductor's tests: panva's oidc-provider (OpenID Certified),
// on 127.0.0.1 and a free port. Reads its clients and accounts as JSON on stdin:
//   {"clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
//    "accounts": [{"sub", "email", "email_verified", "name"}]}
// prints {"issuer": "http://127.0.0.1:<port>"} on one line, and serves until SIGTERM.
// Its log-in page asks for an account's e-mail address (no password: the accounts are test fixtures); consent is
// given at once. POST /_test/accounts (JSON, one account) changes an account, as an identity provider's
// administrator would (its e-mail address, say).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, title, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`
    + `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

const settings = await readStdin();
const accounts = new Map(settings.accounts.map((account) => [account.sub, { ...account }]));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: randomBytes(8).toString('hex') };

const server = http.createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: settings.clients.map((client) => ({
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { methods: ['S256'], required: () => true },
  responseTypes: ['code'],
  async findAccount(ctx, sub) {
    if (!accounts.has(sub)) return undefined;
    return { accountId: sub, claims: async () => ({ ...accounts.get(sub) }) };
  },
});

const callback = provider.callback();

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    page(res, 400, 'Unknown interaction', '<p>This sign-in has expired.</p>');
    return;
  }
  if (details.prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const login = (form.get('login') || '').trim().toLowerCase();
    const account = [...accounts.values()].find((item) => item.email.toLowerCase() === login || item.sub === login);
    if (account) {
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return;
    }
  }
  page(res, 200, 'Test identity provider: sign in',
    `<form method="post" action="/interaction/${escape(uid)}/login">`
    + '<label for="login">E-mail address</label> <input id="login" name="login" autocomplete="username">'
    + ' <button type="submit">Sign in</button></form>');
}

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
    } else if (url.pathname === '/_test/accounts' && req.method === 'POST') {
      const account = JSON.parse(await readBody(req));
      accounts.set(account.sub, { ...accounts.get(account.sub), ...account });
      res.writeHead(204);
      res.end();
    } else {
      callback(req, res);
    }
  } catch (error) {
    page(res, 500, 'Error', `<p>${escape(error.message)}</p>`);
  }
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
