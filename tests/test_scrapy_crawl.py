"""Gleaner plugins under Scrapy: `crawl --engine scrapy`, alone and on workers sharing a real redis-server.

The ground truth is the generated shop's own data (tests/scrapy_site/shop.py),
never the spider's output; the server counts its hits, so "no page fetched
twice" is measured where the pages are served.
"""

import json
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from scrapy_site.redis_server import running_redis
from scrapy_site.shop import expected_records, page_paths, serve_shop

PLUGIN = ROOT / "tests" / "scrapy_site" / "shop_plugin.py"
# Local pages: no politeness delay or AutoThrottle (robots.txt stays obeyed); one test keeps AutoThrottle on.
FAST = ["--delay", "0", "-s", "AUTOTHROTTLE_ENABLED=False", "--log-level", "INFO"]


def crawl_command(start, *options, plugin=PLUGIN):
    return [sys.executable, str(ROOT / "build.py"), "crawl", start, "--engine", "scrapy", "--plugin", str(plugin), *FAST, *options]


def crawl(start, *options, plugin=PLUGIN, timeout=180):
    return subprocess.run(crawl_command(start, *options, plugin=plugin), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def canonical(records):
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)


def page_hits(hits):
    return {path: count for path, count in hits.items() if path != "/robots.txt"}


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_one_worker_gives_the_shops_records_each_page_fetched_once(tmp_path):
    out = tmp_path / "shop.jsonl"
    with serve_shop(24) as (base, hits):
        done = crawl(f"{base}/list/1", "-o", str(out), "-s", "AUTOTHROTTLE_ENABLED=True")
        assert done.returncode == 0, done.stderr[-3000:]
        assert canonical(read_jsonl(out)) == canonical(expected_records(base, 24))
        assert page_hits(hits) == {path: 1 for path in page_paths(24)}
        assert hits["/robots.txt"] == 1  # robots.txt is obeyed by default
    assert "crawled 27 pages: 24 records, 0 pages failed, 0 plugin errors (finished)" in done.stderr


def test_robots_txt_and_the_user_agent_by_default_and_settings_from_the_command_line(tmp_path):
    seen = []
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("User-Agent")))
            body = b"User-agent: *\nDisallow: /private\n" if self.path == "/robots.txt" else (
                b"<html><body><li class='card'><a class='title' href='/private/p'>P</a><span class='price'>$1.00</span></li></body></html>")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        start = f"http://127.0.0.1:{server.server_port}/list"
        out = tmp_path / "none.jsonl"
        done = crawl(start, "-o", str(out))
        assert done.returncode == 0, done.stderr[-3000:]
        assert [path for path, _ in seen] == ["/robots.txt", "/list"]  # /private/p is disallowed
        assert all(agent == "Gleaner (contract v2; Scrapy)" for _, agent in seen)
        seen.clear()
        done = crawl(start, "-o", str(out), "-s", "ROBOTSTXT_OBEY=False", "-s", "USER_AGENT=custom-agent")
        assert sorted(path for path, _ in seen) == ["/list", "/private/p"]
        assert {agent for _, agent in seen} == {"custom-agent"}
        # /private/p is no product page: the plugin fails there, the crawl says so in its exit code.
        assert done.returncode == 1
        assert "/private/p: test-shop failed on this page (AttributeError)" in done.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_http_errors_and_a_plugin_error_are_logged_per_page_and_the_crawl_goes_on(tmp_path):
    out = tmp_path / "shop.jsonl"
    with serve_shop(12, latency=0.02, fail={"/product/SKU-00003"}, broken={"/product/SKU-00007"}) as (base, hits):
        done = crawl(f"{base}/list/1", "-o", str(out))
        assert hits["/product/SKU-00003"] == 3  # Scrapy's retry middleware: the first try and two retries
    assert done.returncode == 1
    assert f"{base}/product/SKU-00003: failed: HTTP 500" in done.stderr
    assert f"{base}/product/SKU-00007: test-shop failed on this page (AttributeError): 'NoneType' object has no attribute 'get_text'" in done.stderr
    assert 'line 33, in product' in done.stderr  # the plugin's own traceback line
    expected = [r for r in expected_records(base, 12) if r["sku"] not in ("SKU-00003", "SKU-00007")]
    assert canonical(read_jsonl(out)) == canonical(expected)
    assert "1 pages failed, 1 plugin errors" in done.stderr


def test_an_unreachable_start_url_is_logged_and_the_exit_code_says_so(tmp_path):
    from scrapy_site.redis_server import free_port

    done = crawl(f"http://127.0.0.1:{free_port()}/list/1", "-o", str(tmp_path / "x.jsonl"), "-s", "RETRY_TIMES=0")
    assert done.returncode == 1
    assert "/list/1: failed: connection refused" in done.stderr


def test_a_plugin_that_fails_validation_is_refused_with_the_options_pages_message(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('NAME = "bad"\nVERSION = "1"\nMATCHES = ["*://*/*"]\n\ndef scrape():\n    return []\n', encoding="utf-8")
    done = crawl("http://127.0.0.1:9/", plugin=bad)
    assert done.returncode == 2
    # The options page shows exactly this sentence (gleaner.host.Host.validate_json).
    assert done.stderr.strip() == f"error: {bad}:5:1: scrape must take the page as its argument: def scrape(page)"


def test_an_unreachable_redis_is_refused_before_any_page_is_fetched(tmp_path):
    from scrapy_site.redis_server import free_port

    port = free_port()
    with serve_shop(3, latency=0) as (base, hits):
        done = crawl(f"{base}/list/1", "--redis", f"redis://127.0.0.1:{port}/0")
        assert not hits
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot use Redis at redis://127.0.0.1:{port}/0: "), done.stderr


def test_two_workers_share_the_crawl_each_page_once_and_both_exit(tmp_path, redis_server):
    count = 30
    outs = [tmp_path / "worker-1.jsonl", tmp_path / "worker-2.jsonl"]
    # Slow pages under AutoThrottle (about one request in flight per worker): each worker has
    # seconds of work left when the other starts, however loaded the machine.
    with serve_shop(count, latency=0.3) as (base, hits):
        options = ["--redis", redis_server.url, "--crawl-name", "two-workers", "--idle", "3", "-s", "AUTOTHROTTLE_ENABLED=True"]
        workers = [subprocess.Popen(crawl_command(f"{base}/list/1", *options, "-o", str(out)), cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for out in outs]
        results = [worker.communicate(timeout=240) for worker in workers]  # both close by themselves
        assert [w.returncode for w in workers] == [0, 0], [err[-3000:] for _, err in results]
        assert page_hits(hits) == {path: 1 for path in page_paths(count)}  # no page fetched twice
    parts = [read_jsonl(out) for out in outs]
    assert all(parts), [len(p) for p in parts]  # each did part of the work
    assert canonical(parts[0] + parts[1]) == canonical(expected_records(base, count))


def test_a_worker_killed_mid_crawl_loses_nothing_and_a_rerun_completes_each_page_once(redis_server):
    count = 50
    client = redis_server.client()
    options = ["--redis", redis_server.url, "--crawl-name", "killed", "--idle", "2", "--redis-items"]
    with serve_shop(count, latency=0.2) as (base, hits):
        victim = subprocess.Popen(crawl_command(f"{base}/list/1", *options), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while client.llen("killed:items") < 10 and time.monotonic() < deadline and victim.poll() is None:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        held = sum(client.hlen(key) for key in client.scan_iter("killed:inflight:*"))
        done_before = client.scard("killed:done")
        assert 0 < done_before < len(page_paths(count)) and held > 0  # killed mid-crawl, holding pages
        rerun = crawl(f"{base}/list/1", *options)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert f"re-queued {held} page(s)" in rerun.stderr
        fetched = page_hits(hits)
    records = [json.loads(item) for item in client.lrange("killed:items", 0, -1)]
    assert canonical(records) == canonical(expected_records(base, count))  # every record, exactly once
    assert set(fetched) == set(page_paths(count))
    # Only the pages the killed worker held can have been fetched twice.
    assert sum(n - 1 for n in fetched.values()) <= held
    assert client.scard("killed:done") == len(page_paths(count))
    assert not list(client.scan_iter("killed:inflight:*"))


def test_redis_lost_mid_crawl_stops_the_worker_with_a_sentence_and_a_rerun_resumes(tmp_path):
    count = 40
    with running_redis(tmp_path) as server:
        client = server.client()
        options = ["--redis", server.url, "--crawl-name", "lost", "--idle", "2", "--redis-items"]
        with serve_shop(count, latency=0.2) as (base, hits):
            worker = subprocess.Popen(crawl_command(f"{base}/list/1", *options), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 120
            while client.llen("lost:items") < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            server.stop()
            _, err = worker.communicate(timeout=120)
            assert worker.returncode == 2, err[-3000:]
            assert f"Redis at {server.url} was lost" in err and "run the same command again to resume the crawl" in err
            server.start()  # the same data (append-only file), as after a restart
            rerun = crawl(f"{base}/list/1", *options)
            assert rerun.returncode == 0, rerun.stderr[-3000:]
        records = [json.loads(item) for item in server.client().lrange("lost:items", 0, -1)]
        assert canonical(records) == canonical(expected_records(base, count))


def test_scrapy_crawl_gleaner_from_an_existing_scrapy_project(tmp_path):
    """The docs' recipe (docs/scaling.md): a generated project, one spider file, `scrapy crawl gleaner`."""
    subprocess.run([sys.executable, "-m", "scrapy", "startproject", "shopbot"], cwd=tmp_path, check=True, capture_output=True)
    project = tmp_path / "shopbot"
    (project / "shopbot" / "spiders" / "gleaner.py").write_text(
        "from gleaner.scrapy import GleanerSpider\n\n\nclass Gleaner(GleanerSpider):\n    name = \"gleaner\"\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT / "py")}
    with serve_shop(8, latency=0) as (base, hits):
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "gleaner", "-a", f"plugin={PLUGIN}", "-a", f"start={base}/list/1",
             "-s", "DOWNLOAD_DELAY=0", "-o", str(out)],
            cwd=project, env=env, capture_output=True, text=True, timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert page_hits(hits) == {path: 1 for path in page_paths(8)}
    assert canonical(read_jsonl(out)) == canonical(expected_records(base, 8))


@pytest.mark.parametrize("isolate", ["False", "True"])  # SIGALRM in the worker, or a forked child per page
def test_the_plugins_time_limit_applies_and_its_records_so_far_are_kept(tmp_path, isolate):
    looping = tmp_path / "looping.py"
    looping.write_text(
        PLUGIN.read_text(encoding="utf-8").replace('NAME = "test-shop"', 'NAME = "looping-shop"\nTIMEOUT = 1')
        + '\n\ndef endless(page):\n    yield {"sku": page.url[-9:]}\n    while True:\n        pass\n',
        encoding="utf-8",
    )
    source = looping.read_text(encoding="utf-8").replace('callback="product"', 'callback="endless" if "00002" in link["href"] else "product"')
    looping.write_text(source, encoding="utf-8")
    out = tmp_path / "shop.jsonl"
    with serve_shop(3, latency=0) as (base, _):
        done = crawl(f"{base}/list/1", "-o", str(out), "-s", f"GLEANER_ISOLATE_PLUGIN={isolate}", plugin=looping)
    assert done.returncode == 1
    assert (f"{base}/product/SKU-00002: looping-shop failed on this page (Timeout): Test shop (crawl) was stopped after 1 s, "
            "its time limit: it ran too long (an endless loop?). The 1 records it gave before that are kept.") in done.stderr
    expected = [r for r in expected_records(base, 3) if r["sku"] != "SKU-00002"] + [{"sku": "SKU-00002"}]
    assert canonical(read_jsonl(out)) == canonical(expected)
