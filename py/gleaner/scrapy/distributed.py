"""Many workers, one crawl: scrapy-redis' shared queue and seen-set, plus completion marks.

scrapy-redis shares two things between workers, under keys named after the
spider: the request queue and the seen-set (its duplicate filter). A request
is marked seen when it is queued, long before it is done, so a worker killed
mid-crawl would silently take the pages it held with it. This module adds
the smallest shared state that closes that gap, under the same prefix:

    NAME:requests            scrapy-redis' queue (sorted set of encoded requests)
    NAME:dupefilter          scrapy-redis' seen-set (request fingerprints)
    NAME:start_urls          scrapy-redis' start-URL key: LPUSH a URL to add a start
    NAME:inflight:WORKER     hash, encoded request -> queue score: taken by WORKER, not finished
    NAME:alive:WORKER        exists while WORKER runs (a 1 s heartbeat, a few seconds' TTL)
    NAME:done                set of fingerprints of finished pages
    NAME:items               list of records as JSON (--redis-items)

Taking a request moves it from the queue to its worker's in-flight hash in
one Lua script; finishing a page removes it from there and adds its
fingerprint to the done set in another, together with the page's records
when they go to Redis, so a page's outcome is committed whole or not at all.
In-flight entries of a worker whose heartbeat stopped go back into the queue,
on a worker's start and whenever its queue runs dry.
"""

import json
import os
import socket
import threading
import time
import uuid

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from scrapy_redis.spiders import RedisMixin

from .spider import GleanerSpider

# A worker is alive while its key exists; the heartbeat runs in a thread of
# its own, so a plugin holding the reactor for its whole time limit does not
# make its worker look dead.
HEARTBEAT_SECONDS = 1.0
ALIVE_SECONDS = 5
# How long a worker waits with an empty queue (and nothing in flight anywhere) before it closes.
DEFAULT_IDLE_SECONDS = 10
INFLIGHT_META = "gleaner_inflight"
FINGERPRINT_META = "gleaner_fingerprint"

# KEYS: queue, in-flight hash. The lowest score first, as scrapy-redis' PriorityQueue pops.
TAKE = """
local taken = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #taken == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], taken[1], taken[2])
return taken[1]
"""
# KEYS: done set, in-flight hash, items list; ARGV: fingerprint, encoded request, records as JSON...
# A page finished twice (its worker was taken for dead) keeps its first records only.
FINISH = """
redis.call('HDEL', KEYS[2], ARGV[2])
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 3, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
return 1
"""
# KEYS: a dead worker's in-flight hash, the queue.
REQUEUE = """
local held = redis.call('HGETALL', KEYS[1])
for i = 1, #held, 2 do redis.call('ZADD', KEYS[2], held[i + 1], held[i]) end
redis.call('DEL', KEYS[1])
return #held / 2
"""


class RedisLost(Exception):
    pass


def crawl_keys(name):
    """The Redis keys of crawl ``name`` (the spider's name), as documented above."""
    return {
        "requests": f"{name}:requests",
        "dupefilter": f"{name}:dupefilter",
        "start_urls": f"{name}:start_urls",
        "inflight": f"{name}:inflight:",
        "alive": f"{name}:alive:",
        "done": f"{name}:done",
        "items": f"{name}:items",
    }


def redis_settings(url, name, idle_seconds=DEFAULT_IDLE_SECONDS, items_to_redis=False):
    """The Scrapy settings that put a crawl on Redis at ``url`` under the keys of ``name``."""
    keys = crawl_keys(name)
    settings = {
        "REDIS_URL": url,
        "SCHEDULER": "gleaner.scrapy.distributed.ResumableScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the queue outlives a worker: a rerun resumes
        "SCHEDULER_QUEUE_KEY": keys["requests"],
        "SCHEDULER_DUPEFILTER_KEY": keys["dupefilter"],
        "REDIS_START_URLS_KEY": keys["start_urls"],
        # Scrapy's engine takes requests from the scheduler until CONCURRENT_REQUESTS
        # wait in its downloader, though AutoThrottle lets about one proceed: on a
        # shared queue a worker would hoard pages (a list page behind fifteen
        # details) that idle workers could take. A worker takes what it works on soon.
        "CONCURRENT_REQUESTS": 2,
        "GLEANER_IDLE_SECONDS": idle_seconds,
        "GLEANER_REDIS_ITEMS": items_to_redis,
    }
    return settings


class ResumableScheduler(Scheduler):
    """scrapy-redis' scheduler, whose requests stay in their worker's in-flight hash until their page is finished."""

    def open(self, spider):
        super().open(spider)
        self.keys = crawl_keys(spider.name)
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.inflight_key = self.keys["inflight"] + self.worker
        self.take = self.server.register_script(TAKE)
        self.finish_script = self.server.register_script(FINISH)
        self.requeue_script = self.server.register_script(REQUEUE)
        self.redis_url = spider.settings.get("REDIS_URL")
        self.lost = False
        self.beating = threading.Event()
        self.beat()
        self.heart = threading.Thread(target=self.heartbeat, name="gleaner-heartbeat", daemon=True)
        self.heart.start()
        spider.scheduler = self
        self.requeue_orphans()

    def beat(self):
        self.server.set(self.keys["alive"] + self.worker, b"1", ex=ALIVE_SECONDS)

    def heartbeat(self):
        while not self.beating.wait(HEARTBEAT_SECONDS):
            try:
                self.beat()
            except redis.RedisError:
                pass  # the reactor's next Redis call reports the loss

    def close(self, reason):
        self.beating.set()
        try:
            if not self.lost:
                # Nothing of ours is left in flight after a clean close; after
                # a stop, what is left goes back to the queue for the others now.
                self.requeue(self.inflight_key)
                self.server.delete(self.keys["alive"] + self.worker)
            super().close(reason)
        except redis.RedisError:
            pass

    def redis_lost(self, exc):
        if self.lost:
            return
        self.lost = True
        self.spider.logger.critical(
            "Redis at %s was lost (%s): this worker stops; run the same command again to resume the crawl.", self.redis_url, exc
        )
        self.stats.set_value("gleaner/redis_lost", 1)
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(self.spider.crawler.engine.close_spider_async(reason="redis_lost"))

    def enqueue_request(self, request):
        if self.lost:
            return False
        try:
            return super().enqueue_request(request)
        except redis.RedisError as exc:
            self.redis_lost(exc)
            return False

    def next_request(self):
        if self.lost:
            return None
        try:
            data = self.take(keys=[self.queue.key, self.inflight_key])
        except redis.RedisError as exc:
            self.redis_lost(exc)
            return None
        if not data:
            return None
        request = self.queue._decode_request(data)
        request.meta[INFLIGHT_META] = data
        request.meta[FINGERPRINT_META] = self.df.request_fingerprint(request)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def has_pending_requests(self):
        if self.lost:
            return False
        try:
            return super().has_pending_requests()
        except redis.RedisError as exc:
            self.redis_lost(exc)
            return False

    def finish(self, request, records=()):
        """Mark ``request``'s page done (and push its records, when they go to Redis) in one step.

        Returns False when the page had been finished already (its first records stand)."""
        data = request.meta.get(INFLIGHT_META)
        if data is None or self.lost:
            return True
        fingerprint = request.meta[FINGERPRINT_META]
        encoded = [json.dumps(record, ensure_ascii=False) for record in records]
        try:
            return bool(self.finish_script(keys=[self.keys["done"], self.inflight_key, self.keys["items"]], args=[fingerprint, data, *encoded]))
        except redis.RedisError as exc:
            self.redis_lost(exc)
            return False

    def is_done(self, request):
        fingerprint = request.meta.get(FINGERPRINT_META)
        return bool(fingerprint and self.server.sismember(self.keys["done"], fingerprint))

    def requeue(self, inflight_key):
        return self.requeue_script(keys=[inflight_key, self.queue.key])

    def requeue_orphans(self):
        """Put back in the queue what workers that are no longer alive took and never finished; returns how many."""
        total = 0
        prefix = self.keys["inflight"]
        for key in self.server.scan_iter(match=prefix + "*"):
            worker = key.decode()[len(prefix):] if isinstance(key, bytes) else key[len(prefix):]
            if worker == self.worker or self.server.exists(self.keys["alive"] + worker):
                continue
            count = self.requeue(key)
            if count:
                self.spider.logger.warning("re-queued %d page(s) that worker %s took and never finished", count, worker)
                self.stats.inc_value("gleaner/requeued", count)
            total += count
        return total

    def others_in_flight(self):
        """Whether another worker still holds pages (it may yet follow links from them)."""
        prefix = self.keys["inflight"]
        own = self.inflight_key.encode()
        return any(key != own for key in self.server.scan_iter(match=prefix + "*"))


class GleanerRedisSpider(RedisMixin, GleanerSpider):
    """GleanerSpider on a shared Redis: every worker runs the same command.

    The start URLs are seeded through the shared seen-set, so the first
    worker's seed counts and a second one is dropped; URLs pushed to the
    start-URL key are read too. A worker closes once the queue stayed empty,
    with nothing in flight on any worker, for GLEANER_IDLE_SECONDS.
    """

    scheduler = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        spider.idle_seconds = crawler.settings.getfloat("GLEANER_IDLE_SECONDS", DEFAULT_IDLE_SECONDS)
        spider.items_to_redis = crawler.settings.getbool("GLEANER_REDIS_ITEMS")
        spider.busy_at = time.monotonic()
        crawler.signals.connect(spider.quicker_idle_checks, signal=signals.spider_opened)
        return spider

    def quicker_idle_checks(self, spider):
        # An idle Scrapy engine looks at its scheduler again only every 5 s
        # (its slot heartbeat); a worker waiting for the shared queue to fill
        # should join within a second.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.heartbeat.running:
            slot.heartbeat.stop()
            slot.heartbeat.start(HEARTBEAT_SECONDS)

    def start_requests(self):
        for url in self.start_urls:
            yield self.page_request(url, "scrape", {})
        yield from self.next_requests()

    def make_request_from_data(self, data):
        """A start URL pushed to NAME:start_urls, as text or as JSON {"url": ...}."""
        text = data.decode(self.redis_encoding) if isinstance(data, bytes) else data
        url = json.loads(text)["url"] if text.lstrip().startswith("{") else text.strip()
        return self.page_request(url, "scrape", {})

    def parse_page(self, response, entry="scrape", data=None):
        self.busy_at = time.monotonic()
        if self.scheduler.is_done(response.request):
            self.logger.info("%s: finished by another worker already", response.url)
            return
        yield from self.scrape_response(response, entry, data)
        # Reached only once everything above was handed on: the page is done
        # (with --redis-items, deliver() finished it already, with its records).
        self.scheduler.finish(response.request)

    def deliver(self, response, records):
        if self.items_to_redis:
            self.scheduler.finish(response.request, records)
            return
        yield from records
        flush_feeds(self.crawler)

    def page_failed(self, failure):
        super().page_failed(failure)
        self.scheduler.finish(failure.request)

    def spider_idle(self):
        scheduler = self.scheduler
        if scheduler is None or scheduler.lost:
            return
        try:
            if scheduler.requeue_orphans() or scheduler.others_in_flight() or self.count_size(self.redis_key):
                self.busy_at = time.monotonic()
            self.schedule_next_requests()
        except redis.RedisError as exc:
            scheduler.redis_lost(exc)
            return
        if time.monotonic() - self.busy_at >= self.idle_seconds:
            return
        raise DontCloseSpider


def flush_feeds(crawler):
    """Push the feed exports' buffered lines to their files, so a page is marked done only once its records are written."""
    from scrapy.extensions.feedexport import FeedExporter

    exporter = next((ext for ext in crawler.extensions.middlewares if isinstance(ext, FeedExporter)), None)
    for slot in getattr(exporter, "slots", ()):
        file = getattr(slot, "file", None)
        if file is not None and hasattr(file, "flush"):
            try:
                file.flush()
            except (OSError, ValueError):
                pass
