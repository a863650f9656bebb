// A certified OpenID provider (panva's oidc-provider, OpenID Certified) for
// the login tests: the portal must work with a conformant provider in its
// default mode, not only with the development one.
//
// Usage: node tests/support/certified_provider.mjs SETTINGS.json
// The settings file (written by tests/support/certified_provider.py) holds
// the provider's private signing keys, the registered clients and the
// accounts with their claims. The provider listens on an ephemeral port on
// 127.0.0.1 and prints one JSON line, {"issuer": ...}, once it is ready.
//
// What makes it a useful second opinion, all default behaviour of the library:
// - profile claims are released only at userinfo (conformIdTokenClaims), so
//   the ID token carries little more than iss, sub, aud, exp, iat and nonce;
// - the authorization response carries `iss` (RFC 9207) and discovery says so;
// - private_key_jwt client assertions are checked (RS256, PS256, ES256...).
// Turned on here: signed userinfo (features.jwtUserinfo) and the `claims`
// request parameter, through which the national-ID claims (idcs, cnie) and
// the staff claims (roles, office) are asked for, as eSignet does.

import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// Which claims each scope releases. The national-ID and staff claims belong
// to no scope: a client gets them only by naming them in `claims`.
const CLAIMS = {
  openid: ['sub'],
  profile: [
    'name', 'given_name', 'family_name', 'given_name#ar', 'family_name#ar',
    'birthdate', 'gender',
  ],
  phone: ['phone_number', 'phone_number_verified'],
  idcs: null,
  cnie: null,
  roles: null,
  office: null,
};

function configuration() {
  return {
    clients: settings.clients,
    jwks: settings.jwks,
    cookies: { keys: settings.cookie_keys },
    claims: CLAIMS,
    features: {
      devInteractions: { enabled: false }, // our own form below, like the development provider's
      claimsParameter: { enabled: true },
      jwtUserinfo: { enabled: true },
    },
    async findAccount(ctx, subject) {
      const claims = settings.accounts[subject];
      if (!claims) return undefined;
      return {
        accountId: subject,
        // The library filters these by scope, by the claims parameter and by
        // where they go (ID token or userinfo).
        async claims() {
          return { ...claims, sub: subject };
        },
      };
    },
  };
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginForm(uid, message = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Certified test provider</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="sub">Subject</label> <input id="sub" name="sub" autofocus>
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Consent for the portal is given at once: it is the provider's own client.
// The grant covers exactly what the request asked for and lacks.
async function grantConsent(provider, details) {
  const { prompt: { details: missing }, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const saved = await grant.save();
  return grantId ? {} : { grantId: saved };
}

async function interaction(provider, req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const consent = await grantConsent(provider, details);
    await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'POST') {
    const subject = (await formBody(req)).get('sub') || '';
    if (settings.accounts[subject]) {
      await provider.interactionFinished(
        req, res, { login: { accountId: subject } }, { mergeWithLastSubmission: false },
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginForm(uid, 'Unknown subject'));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(loginForm(uid));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration());
  const handleProtocol = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url, issuer).pathname);
    if (!match) {
      handleProtocol(req, res);
      return;
    }
    interaction(provider, req, res, match[1]).catch((error) => {
      process.stderr.write(`interaction failed: ${error.stack}\n`);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('interaction failed');
    });
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

// The test run ends us with SIGTERM; exit at once, without waiting for
// keep-alive connections.
process.on('SIGTERM', () => process.exit(0));
