#!/usr/bin/env python3
"""Sign-in timing: a wrong password for an account against any password for an address without one.

Issue 10, finding 4: the answer must not tell whether an account exists, in words or in time. The test suite
asserts the work done (one password hash per attempt); this measures the time, which no test may assert.

Starts the built console (Release by default) on a fresh SQLite database, creates one account with the CLI, then
posts the real sign-in form: per sample, one wrong password for the account and one for an unknown address,
alternating which goes first. After every fourth failure the account signs in correctly (a lockout would change
what is measured). Each sample comes from its own loopback source address (127.0.x.y): the form allows 10 posts
per minute per address. Prints median, p90 and mean of the POST's wall time, and the load average.

Usage: bench/signin/signin_timing.py [--dll PATH] [--samples 60]
"""
import argparse, http.client, os, re, socket, statistics, subprocess, sys, tempfile, time, urllib.parse

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="__RequestVerificationToken"[^>]*value="([^"]+)"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_login(port, source, email, password):
    """GET the form (antiforgery cookie and token), then POST it; returns (status, seconds of the POST)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    conn.request("GET", "/Account/Login")
    page = conn.getresponse()
    html = page.read().decode()
    cookies = "; ".join(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [])
    body = urllib.parse.urlencode({
        "__RequestVerificationToken": TOKEN.search(html).group(1).replace("&#x2B;", "+"),
        "_handler": "login", "Input.Email": email, "Input.Password": password,
    })
    start = time.perf_counter()
    conn.request("POST", "/Account/Login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, elapsed


def summary(name, values):
    ms = sorted(v * 1000 for v in values)
    p90 = ms[int(len(ms) * 0.9) - 1]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {p90:.1f} | {statistics.mean(ms):.1f} |"


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--dll", default=os.path.join(repo, "Console.Server/bin/Release/net10.0/Console.Server.dll"))
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="signin-bench-")
    config = [f"--ConnectionStrings:Console=Data Source={work}/console.db"]
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production")
    email = "bench@example.test"
    subprocess.run(["dotnet", args.dll, "admin", "create-user", "--email", email, "--role", "Developer", "--password-stdin", *config],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True, env=env, cwd=os.path.dirname(args.dll))
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen(["dotnet", args.dll, "--urls", f"http://127.0.0.1:{port}", *config],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=os.path.dirname(args.dll))
    try:
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/health/live")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        # Warm-up (JIT, first hash, first page render), not measured.
        for i in range(3):
            post_login(port, f"127.0.200.{i + 2}", email, "warm-up wrong password")
            post_login(port, f"127.0.200.{i + 2}", f"nobody-warm-{i}@example.test", "warm-up wrong password")
        post_login(port, "127.0.200.10", email, PASSWORD)

        known, unknown = [], []
        for i in range(args.samples):
            source = f"127.0.{1 + i // 200}.{2 + i % 200}"
            pair = [(known, email), (unknown, f"nobody-{i}@example.test")]
            for bucket, who in (pair if i % 2 == 0 else pair[::-1]):
                status, seconds = post_login(port, source, who, f"wrong password {i}")
                assert status == 200, f"{who}: {status}"
                bucket.append(seconds)
            if i % 4 == 3:
                status, _ = post_login(port, source, email, PASSWORD)
                assert status == 302, f"the reset sign-in answered {status}"
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min), {os.cpu_count()} cores")
        print("| POST /Account/Login | n | median ms | p90 ms | mean ms |")
        print("|---|---:|---:|---:|---:|")
        print(summary("account, wrong password", known))
        print(summary("no account", unknown))
        print(f"median ratio no account / account: {statistics.median(unknown) / statistics.median(known):.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
