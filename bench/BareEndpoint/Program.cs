// A bare minimal-API app: what Kestrel and routing cost on this machine with nothing else,
// measured against the console's POST /api/v1/keys/verify by bench/wrk/verify.sh.
var app = WebApplication.CreateBuilder(args).Build();
app.MapPost("/", () => "ok");
app.Run();
