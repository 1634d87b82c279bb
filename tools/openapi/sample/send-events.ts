// The TypeScript client in use: verify a key, then send security events (docs/api.md, "Getting started").
// The types come from the console's own OpenAPI document (npm run generate writes sample/schema.d.ts), so a call that
// no longer matches the API fails to compile. Run: CONSOLE_URL=http://localhost:5080 CONSOLE_KEY=sc_live_… node build/send-events.js
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const baseUrl = process.env.CONSOLE_URL ?? "http://localhost:5080";
const key = process.env.CONSOLE_KEY;
if (!key) {
  throw new Error("Set CONSOLE_KEY to an API key with the scopes keys:verify and events:write.");
}

const console_ = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });

// A service that is handed a key checks it with the console; here the service checks its own.
const verified = await console_.POST("/api/v1/keys/verify", {
  body: { key, requiredScope: "events:write", clientIp: null },
});
if (verified.error || !verified.data.valid) {
  throw new Error(`The key was not accepted: ${JSON.stringify(verified.error ?? verified.data)}`);
}
console.log(`key valid for ${verified.data.service} (${verified.data.environment}), scopes ${verified.data.scopes.join(", ")}`);

const sent = await console_.POST("/api/v1/events", {
  body: [
    { type: "auth.login_failed", actor: "ana@example.com", sourceIp: "203.0.113.9", outcome: "failure" },
    { type: "crm.export", actor: "ana@example.com", attributes: { rows: 5000 } },
  ],
});
if (sent.error) {
  throw new Error(`The events were refused: ${JSON.stringify(sent.error)}`);
}
console.log(`accepted ${sent.data.accepted}, rejected ${sent.data.rejected}, ids ${sent.data.ids.join(", ")}`);
if (sent.data.rejected > 0) {
  process.exitCode = 1;
}
