-- wrk script for bench/wrk/verify.sh: the POST a service makes to verify a key.
-- VERIFY_KEY: the key being verified (body). VERIFIER_KEY: the caller's own keys:verify key (Bearer).
-- The bare endpoint gets the same request, so both targets read the same bytes.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local caller = os.getenv("VERIFIER_KEY")
if caller ~= nil and caller ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. caller
end
wrk.body = string.format('{"key":"%s","requiredScope":"events:write","clientIp":"10.1.2.3"}', os.getenv("VERIFY_KEY") or "")
