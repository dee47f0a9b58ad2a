// A real OpenID Connect provider (the `oidc-provider` package) for the identity tests.
//
// It plays the profession's SSO on loopback: one test account (an expert-comptable with a firm
// SIREN claim), three registered clients, and an interaction that logs that account in and grants
// consent without any page, so an HTTP client following redirects completes the code flow.
// Signing keys are generated at each start: restarting on the same port is a key rotation.
//
// Usage: node server.mjs --port 4567 [--redirect-uri URI]   (prints "listening <issuer>" when ready)
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'redirect-uri': { type: 'string', default: 'http://127.0.0.1/callback' },
  },
});

const ACCOUNTS = {
  'expert-1': {
    sub: 'expert-1',
    given_name: 'Anna Maria',
    family_name: 'Eriksson',
    name: 'Anna Maria Eriksson',
    email: 'anna.eriksson@cabinet-exemple.fr',
    email_verified: true,
    siren: '732829320',
  },
};
const TEST_ACCOUNT = 'expert-1';

function signingKey(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg, use: 'sig' };
}

const redirectUris = [args['redirect-uri']];
const client = (id, extra) => ({
  client_id: id,
  client_secret: `${id}-secret-for-tests-only`,
  redirect_uris: redirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...extra,
});

function configuration() {
  return {
    clients: [
      client('comptoir', { token_endpoint_auth_method: 'client_secret_basic' }),
      client('comptoir-post', {
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      }),
      // Symmetric id_tokens are legal OIDC but a relying party must never accept them: the
      // secret they are signed with is shared, so anyone holding it could forge an identity.
      client('comptoir-hs256', { id_token_signed_response_alg: 'HS256' }),
    ],
    jwks: {
      keys: [
        signingKey('rsa', { modulusLength: 2048 }, 'RS256'),
        signingKey('ec', { namedCurve: 'P-256' }, 'ES256'),
      ],
    },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'HS256'] },
    pkce: { required: () => true },
    // Scope-based claims go into the id_token itself, the way the relying party reads them.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'name'],
      email: ['email', 'email_verified'],
      siren: ['siren'],
    },
    scopes: ['openid', 'profile', 'email', 'siren'],
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['comptoir-test-cookie-key'] },
    ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    async findAccount(_ctx, sub) {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
    async loadExistingGrant(ctx) {
      // First-party client: consent is implied, so every requested scope is granted at once.
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return Grant.find(grantId);
      const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email siren');
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  };
}

const port = Number(args.port);
if (!Number.isInteger(port) || port <= 0) throw new Error('--port is required');
const provider = new Provider(`http://${args.host}:${port}`, configuration());

// The login "page": the test account signs in as soon as the browser arrives.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name !== 'login') {
    ctx.status = 400;
    ctx.body = { error: `unexpected prompt ${details.prompt.name}` };
    return undefined;
  }
  const target = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId: TEST_ACCOUNT } },
    { mergeWithLastSubmission: false },
  );
  ctx.redirect(target);
  return undefined;
});

const server = provider.listen(port, args.host, () => {
  console.log(`listening ${provider.issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
