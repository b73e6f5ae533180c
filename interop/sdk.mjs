// Drives the npm hcx-integrator-sdk 1.0.0, unchanged, against an operator
// started by interop_test.go: the sending side's token request (the token
// verified with panva jose against the operator's JWKS), registry search
// and certificate fetch, then the JWE it builds for the recipient.
// Configuration comes from the environment; the result is one JSON line
// on standard output for the Go test to check. With HCX_ENCRYPT=0 (a
// profile whose records carry certificates inline, which the SDK cannot
// fetch) it stops after the search.
import { HCXOutgoingRequest } from "hcx-integrator-sdk/src/impl/HCXOutgoingRequest.js";
import { generateHcxToken, searchRegistry } from "hcx-integrator-sdk/src/utils/utils.js";
import { createRemoteJWKSet, jwtVerify } from "jose";

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set`);
  }
  return v;
};

const protocolBasePath = env("HCX_PROTOCOL_BASE_PATH");
const authBasePath = env("HCX_AUTH_BASE_PATH");
const participantCode = env("HCX_PARTICIPANT_CODE");
const username = env("HCX_USERNAME");
const password = env("HCX_PASSWORD");
const recipientCode = env("HCX_RECIPIENT_CODE");
const jwksURL = env("HCX_JWKS_URL");
const encrypt = process.env.HCX_ENCRYPT !== "0";

const payload = {
  resourceType: "Bundle",
  id: "interop-check",
  type: "collection",
  entry: [],
};

try {
  // The steps one by one, as the SDK's helpers make them ...
  const token = await generateHcxToken(authBasePath, username, password);
  if (!token) {
    throw new Error("the token answer has no access_token");
  }
  // The token, verified by an independent JOSE library (panva jose)
  // against the operator's published key set, as a gateway would.
  const { payload: verified, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksURL)));
  const search = await searchRegistry(protocolBasePath, token, recipientCode, "participant_code");

  // ... and the whole of the sending side: token, search, certificate
  // fetch and encryption.
  let jwe = "";
  if (encrypt) {
    const outgoing = new HCXOutgoingRequest(protocolBasePath, participantCode, authBasePath, username, password, "", "");
    jwe = await outgoing.encryptPayload(recipientCode, payload);
  }

  process.stdout.write(JSON.stringify({ token, verified, alg: protectedHeader.alg, search, jwe, payload }) + "\n");
} catch (e) {
  process.stderr.write(`interop: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}
