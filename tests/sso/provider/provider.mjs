// A real OpenID provider for tests/sso: oidc-provider (OpenID-certified) with a test-only control surface.
//
//   node provider.mjs PORT          serves the issuer http://127.0.0.1:PORT
//
// Control routes (JSON, under /test/, never part of the OpenID surface):
//   POST /test/clients     {client_id, client_secret, redirect_uris, post_logout_redirect_uris?}  register a client
//   POST /test/login-as    {client_id, sub, claims?, tamper?}  the next authorization for that client logs in
//                          `sub` with these claims, without a form; `tamper` makes its id_token bad (see below)
//   POST /test/rotate-keys  a new signing key (new kid) signs from now on; the old key stays in the JWKS
//   GET  /test/keys         the kids the JWKS serves, newest first
//
// `tamper`: the id_token the token endpoint returns is replaced by one the script signs itself with the provider's
// own current key (jose), because the certified server refuses to issue such tokens: "aud" (another audience), "iss"
// (another issuer), "exp" (expired ten minutes ago), "nonce-missing" (no nonce), "nonce-replay" (the nonce of the
// client's previous login), "signature" (the real token with one byte of its signature changed).

import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const clients = new Map(); // client_id -> client metadata
const logins = new Map(); // client_id -> {sub, claims, tamper}
const lastNonce = new Map(); // client_id -> the nonce of its last id_token
const keys = []; // private JWKs, newest first

async function newKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  jwk.kid = `key-${keys.length + 1}-${Date.now()}`;
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  keys.unshift(jwk);
}

async function findAccount(ctx, sub) {
  const login = [...logins.values()].find((candidate) => candidate.sub === sub);
  return {
    accountId: sub,
    async claims() {
      return { sub, ...(login?.claims ?? {}) };
    },
  };
}

let provider;

function build() {
  provider = new Provider(issuer, {
    clients: [...clients.values()],
    jwks: { keys },
    findAccount,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'employee_number'],
    },
    cookies: { keys: ['schoolchat-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });
  provider.use(tamperTokens);
}

async function tamperTokens(ctx, next) {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
  const clientId = ctx.oidc?.client?.clientId;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const previous = lastNonce.get(clientId);
  lastNonce.set(clientId, claims.nonce);
  const tamper = logins.get(clientId)?.tamper;
  if (!tamper) return;
  if (tamper === 'signature') {
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    ctx.body = { ...ctx.body, id_token: [header, payload, flipped].join('.') };
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const changed = { ...claims };
  if (tamper === 'aud') changed.aud = 'some-other-client';
  if (tamper === 'iss') changed.iss = 'http://127.0.0.1:1/another-issuer';
  if (tamper === 'exp') Object.assign(changed, { iat: now - 1200, exp: now - 600 });
  if (tamper === 'nonce-missing') delete changed.nonce;
  if (tamper === 'nonce-replay') changed.nonce = previous ?? 'a-nonce-never-issued';
  const [key] = keys;
  const signed = await new jose.SignJWT(changed)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(await jose.importJWK(key, 'RS256'));
  ctx.body = { ...ctx.body, id_token: signed };
}

/** Finishes an interaction without a form: the subject the test chose logs in and consents to what was asked. */
async function autoLogin(req, res) {
  const details = await provider.interactionDetails(req, res);
  const clientId = details.params.client_id;
  const login = logins.get(clientId);
  if (!login) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'no test login' });
    return;
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: login.sub, clientId });
  grant.addOIDCScope(String(details.params.scope));
  await provider.interactionFinished(req, res, {
    login: { accountId: login.sub },
    consent: { grantId: await grant.save() },
  }, { mergeWithLastSubmission: false });
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function control(req, res, path) {
  if (req.method === 'POST' && path === '/test/clients') {
    const client = await readJson(req);
    clients.set(client.client_id, { grant_types: ['authorization_code'], response_types: ['code'], ...client });
    build();
    return reply(res, 201, { client_id: client.client_id });
  }
  if (req.method === 'POST' && path === '/test/login-as') {
    const login = await readJson(req);
    logins.set(login.client_id, { sub: login.sub, claims: login.claims ?? {}, tamper: login.tamper ?? null });
    return reply(res, 200, { sub: login.sub });
  }
  if (req.method === 'POST' && path === '/test/rotate-keys') {
    await newKey();
    build();
    return reply(res, 200, { kids: keys.map((key) => key.kid) });
  }
  if (req.method === 'GET' && path === '/test/keys') return reply(res, 200, { kids: keys.map((key) => key.kid) });
  return reply(res, 404, { error: 'no such test route' });
}

await newKey();
build();
const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, issuer).pathname;
  try {
    if (path.startsWith('/test/')) return await control(req, res, path);
    if (path.startsWith('/interaction/')) return await autoLogin(req, res);
    return provider.callback()(req, res);
  } catch (error) {
    return reply(res, 500, { error: String(error) });
  }
});
server.listen(port, '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
