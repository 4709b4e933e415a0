"""The HTML report in a real headless Chromium (Debian `chromium`).

Chromium is driven over the DevTools protocol through `--remote-debugging-pipe`
(file descriptors 3 and 4, NUL-separated JSON), so no extra package and no
network port are needed. The tests prove the report loads with no console
output and no network request, and that hostile manifest text stays inert.

Skipped only when chromium is missing outside CI; with CI=true a missing
browser fails the run.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from shiftleft.formatters import Options, html
from tests.formatters import results as fixture
from tests.helpers import NOW, ROOT, run_cli, write

SHOP = ROOT / "examples" / "shop"
SCREENSHOTS = Path(os.environ.get("SHIFTLEFT_SCREENSHOTS", tempfile.gettempdir())) / "shiftleft-screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs the Debian package")
        pytest.skip("chromium is not installed (apt-get install chromium); required in CI")
    return found


class Browser:
    """A minimal DevTools-protocol client over --remote-debugging-pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; move the child's ends out of the
        # way first so that dup2 onto 3 and 4 cannot clobber them.
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)

        def wire() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # single-threaded at this point; the only way to place fds 3 and 4
            pass_fds=(3, 4),
            close_fds=True,
        )
        for fd in (to_child_r, from_child_w, high_r, high_w):
            os.close(fd)
        self.write_fd = to_child_w
        self.read_fd = from_child_r
        self.next_id = 0
        self.replies: dict[int, dict[str, Any]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.all_events: list[dict[str, Any]] = []
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self.read_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self.lock:
                    if "id" in message:
                        self.replies[message["id"]] = message
                    else:
                        self.all_events.append(message)
                        self.events.put(message)
                    self.lock.notify_all()

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:  # fmt: skip
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.next_id not in self.replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no reply to {method}")
                self.lock.wait(left)
            reply = self.replies.pop(self.next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait_event(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} event")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if event.get("method") == method:
                return event

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass


class Page:
    """One tab: what it logged, requested and showed."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.url = ""

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def events(self, *methods: str) -> list[dict[str, Any]]:
        with self.browser.lock:
            return [e for e in self.browser.all_events if e.get("sessionId") == self.session
                    and e.get("method") in methods]  # fmt: skip

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> None:
        size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        width, height = max(1280, int(size[0])), min(int(size[1]), 16000)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})  # fmt: skip
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})  # fmt: skip


def open_page(browser: Browser, html_file: Path) -> Page:
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    page = Page(browser, session)
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.send(f"{domain}.enable")
    page.send("Emulation.setDeviceMetricsOverride",
              {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})  # fmt: skip
    url = html_file.resolve().as_uri()
    page.send("Page.navigate", {"url": url})
    deadline = time.monotonic() + 30
    while not page.events("Page.loadEventFired"):
        if time.monotonic() > deadline:
            raise TimeoutError("the report did not finish loading")
        time.sleep(0.05)
    time.sleep(0.3)  # let late console messages and subresource requests arrive
    page.url = url
    return page


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Any:
    b = Browser(chromium, tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def _report(cwd: Path, out: Path, capsys: Any, monkeypatch: Any, *paths: str) -> Path:
    run = run_cli(["report", *paths, "--now", NOW, "-o", str(out)], capsys, monkeypatch, cwd)
    assert run.code == 0, run.err
    return out


def _console(page: Page) -> list[dict[str, Any]]:
    return page.events("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")


def _requests(page: Page) -> list[str]:
    urls = [e["params"]["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    return [u for u in urls if u != page.url]


def test_fixture_report_structure_matches_its_view_model(browser: Browser, tmp_path: Path) -> None:
    """The page shows what the view model holds, where it belongs: sections, key figures, one portfolio row, one
    graph node and one card per service, the coverage numbers. Style is free to change; a number on the page that
    differs from the (snapshotted) view model is not."""
    result = fixture.run_result()
    model = html.view_model(result)
    view = model["view"]
    html_file = tmp_path / "fixture.html"
    html_file.write_text(html.render(result, Options()), encoding="utf-8")
    page = open_page(browser, html_file)
    assert (_console(page), _requests(page)) == ([], [])
    assert page.evaluate("document.title") == f"Service portfolio report · {NOW}"
    assert page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content") == html.CSP
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("[...document.querySelectorAll('h2')].map(h => h.firstChild.textContent.trim())") == [
        "At a glance", "Portfolio", "Dependencies", "Framework coverage", "Waivers", "Services",
    ]  # fmt: skip
    kpis = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('.kpi')].map(k => [k.querySelector('.l').textContent.trim(),"
        " k.querySelector('.n').textContent.trim()]))"
    )
    compliant = sum(1 for s in view.services if s.status == "pass")
    assert kpis == {
        "Services": str(len(view.services)), "Compliant": str(compliant),
        "Failing the gate": str(model["failing_services"]), "Findings": str(len(result.findings)),
        "Waivers": str(len(model["waivers"])),
    }  # fmt: skip
    rows = page.evaluate(
        "[...document.querySelectorAll('h2')].find(h => h.firstChild.textContent.trim() == 'Portfolio')"
        ".nextElementSibling.querySelectorAll('tbody tr').length"
    )
    assert rows == len(view.services)
    assert page.evaluate("[...document.querySelectorAll('td.svccell .svc')].map(e => e.textContent.trim())") == [
        s.name for s in view.services
    ]
    cards = [[s.name, s.status] for s in view.services if s.findings] + [
        [s.name, s.status] for s in view.services if not s.findings
    ]  # services with findings first, then the clean ones
    assert (
        page.evaluate(
            "[...document.querySelectorAll('article.card')].map(a => [a.querySelector('h3').textContent.trim(),"
            " [...a.classList].filter(c => c != 'card')[0]])"
        )
        == cards
    )
    graph = model["graph"]
    assert page.evaluate("document.querySelectorAll('svg.graph g[transform]').length") == len(graph["nodes"])
    assert page.evaluate("document.querySelectorAll('svg.graph path[marker-end]').length") == len(graph["edges"])
    coverage = page.evaluate(
        "[...document.querySelectorAll('table.fw:not(.evidence) tbody tr:not(.fwhead)')]"
        ".map(r => [...r.cells].slice(0, 8).map(c => c.textContent.trim()))"
    )
    assert coverage == [
        [
            c.control,
            ", ".join(c.rules),
            *map(str, (c.satisfy, c.fail, c.below, c.waive, c.not_assessed, c.out_of_scope)),
        ]
        for c in view.controls
    ]
    # Every box of the dependency graph sits inside the drawing, and the drawing inside the page.
    assert page.evaluate(
        "(() => { const svg = document.querySelector('svg.graph').getBoundingClientRect();"
        " return [...document.querySelectorAll('svg.graph g[transform] rect:first-child')].every(r => {"
        " const b = r.getBoundingClientRect(); return b.left >= svg.left && b.right <= svg.right + 0.5"
        " && b.top >= svg.top && b.bottom <= svg.bottom + 0.5; }); })()"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_a_large_portfolio_lays_out_only_the_cards_in_view(browser: Browser, tmp_path: Path) -> None:
    """Above 200 services the cards get `content-visibility: auto` (decision 0025): 10,000 services made a 112 MB
    page that took minutes to open. Cards off screen are skipped, those in view are laid out, the page still fits
    1,280 px, and find-in-page reaches a card far down."""
    result = fixture.many_services(300)
    html_file = tmp_path / "many.html"
    html_file.write_text(html.render(result, Options()), encoding="utf-8")
    page = open_page(browser, html_file)
    assert (_console(page), _requests(page)) == ([], [])
    assert page.evaluate("document.querySelectorAll('article.card').length") == 300
    assert page.evaluate("[...document.querySelectorAll('article.card')].every(a =>"
                         " getComputedStyle(a).contentVisibility == 'auto')")  # fmt: skip
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    last = "document.querySelectorAll('article.card')[299]"
    assert page.evaluate(f"{last}.querySelector('h3').textContent") == "svc-00299"
    assert page.evaluate(f"window.find('services/svc-00299/shiftleft.yaml') && {last}.contains(getSelection().anchorNode)")
    small = tmp_path / "small.html"
    small.write_text(html.render(fixture.many_services(200), Options()), encoding="utf-8")
    assert "content-visibility" not in small.read_text(encoding="utf-8")


def test_shop_report_loads_offline_without_console_errors(browser: Browser, tmp_path: Path, capsys,
                                                          monkeypatch) -> None:  # fmt: skip
    html_file = _report(ROOT, tmp_path / "shop.html", capsys, monkeypatch, "examples/shop")
    page = open_page(browser, html_file)
    assert _console(page) == []
    assert _requests(page) == []
    assert page.evaluate("document.title") == f"Service portfolio report · {NOW}"
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("document.querySelectorAll('svg').length") >= 3
    body = page.evaluate("document.body.innerText")
    for text in ("Gate failed", "checkout", "payments", "Framework coverage", "NIST SP 800-53 Rev. 5"):
        assert text in body
    # Nothing is wider than the page: the portfolio table fits a 1280 px window.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # ... and so do the portfolio and coverage tables, without a horizontal scroll bar.
    assert page.evaluate("[...document.querySelectorAll('.tablewrap')].every(e => e.scrollWidth <= e.clientWidth)")
    shot = SCREENSHOTS / "shop-report.png"
    page.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


HOSTILE = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: evil
  description: "<script>console.log('pwned-description')</script><img src=x onerror=alert(1)>"
  owner: "<img src=x onerror=\\"console.log('pwned-owner')\\">javascript:alert(1)"
  people:
    service_owner: "<a href='javascript:alert(1)'>click</a>"
spec:
  tier: 1
  availability:
    slo: 99.0
    zones: 1
    regions: ["<svg onload=alert(1)>", "javascript:alert(document.domain)"]
  continuity:
    rto: 2h
    rpo: 5m
    strategy: "<style>body{display:none}</style>"
  dependencies:
    - {service: "<script>alert(1)</script>", hard: true}
    - {service: "javascript:alert(1)", hard: false, fallback: "<iframe src=javascript:alert(1)>"}
"""


HOSTILE_VALID = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: evil-valid
  description: "<script>console.log('pwned-valid')</script><img src=x onerror=alert(2)> [link](javascript:alert(3))"
  owner: "<b onmouseover=alert(4)>team</b>"
  people:
    service_owner: "<a href='javascript:alert(5)'>owner</a>"
    process_owner: "\\"><svg/onload=alert(6)>"
spec:
  tier: 1
  lifecycle: production
  availability: {slo: 99.0, zones: 1, regions: [eu-west-1]}
  continuity:
    rto: 2h
    rpo: 5m
    strategy: warm-standby
    degraded_mode: "</style><script>alert(7)</script>"
  incident:
    invocation_authority: "<iframe srcdoc='<script>alert(8)</script>'>"
  dependencies:
    - {service: payments, hard: false, fallback: "<script>alert(9)</script> javascript:alert(10)"}
"""


def test_hostile_manifest_text_never_executes(browser: Browser, tmp_path: Path, capsys, monkeypatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "evil/shiftleft.yaml", HOSTILE)  # schema-invalid: reported as SL0xx findings
    write(repo, "valid/shiftleft.yaml", HOSTILE_VALID)  # schema-valid: evaluated, shown in every section
    html_file = _report(repo, tmp_path / "evil.html", capsys, monkeypatch)
    page = open_page(browser, html_file)
    assert page.events("Page.javascriptDialogOpening") == []
    assert _console(page) == []
    assert _requests(page) == []
    counts = page.evaluate(
        "[document.querySelectorAll('script, iframe, img, a, style:not(head style), body svg svg').length,"
        " [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on')"
        " || /javascript:/i.test(a.value))).length]"
    )
    assert counts == [0, 0]
    body = page.evaluate("document.body.innerText")
    assert "<script>console.log('pwned-description')</script><img src=x onerror=alert(1)>" in body
    assert "javascript:alert(1)" in body  # shown as text, never a link
    assert "<script>console.log('pwned-valid')</script><img src=x onerror=alert(2)>" in body
    assert "<b onmouseover=alert(4)>team</b>" in body
    assert page.evaluate("getComputedStyle(document.body).display") == "block"
    page.screenshot(SCREENSHOTS / "hostile-report.png")
