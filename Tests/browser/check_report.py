#!/usr/bin/env python3
"""Check a self-contained HTML report in a real browser (Debian's headless Chromium via Selenium).

    check_report.py HTML_FILE OUT_DIR [--page-number-pattern REGEX] [--page-label FORMAT] ...

Checks, each failure printed as one line starting with "FAIL:":
  1. no external resource: the HTML names nothing to fetch outside data: URLs and #fragments (src,
     href of <link>/<use>/<image>, srcset, poster, data, action, CSS url() and @import), has no
     <script> and no <base>; and the browser, run with every host name unresolvable, every
     connection sent to a closed local proxy and http/https/ws/ftp URLs blocked, made no request
     but the page itself and data: URLs, and logged no error;
  2. at a desktop viewport (1280x900 by default) the first screen is not blank: more than a few
     colours and some pixels not in the background colour (OUT_DIR/report-first-screen.png, and
     the whole page in OUT_DIR/report-full-page.png);
  3. at least --min-charts `svg.chart` elements; each has an id, role="img", a non-empty <title>
     and <desc>, a non-zero size, lies inside the page, and its region of the full-page
     screenshot is not all one colour;
  4. printed to PDF (OUT_DIR/report.pdf, CDP Page.printToPDF without header and footer, the
     page size taken from the CSS): at least one page, every page A4 (595 x 842 pt), the page
     number pattern on page 1, and the page label (e.g. "2 / 3") on every page.
Exit status: 0 when every check passed, 1 when any failed, 2 when the browser could not be run.
"""

from __future__ import annotations

import argparse
import base64
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

A4_PT = (595.28, 841.89)
A4_TOLERANCE_PT = 2.0

# Attributes whose URL the browser fetches (an <a href> is a link the reader may follow, not a fetch).
FETCHING_ATTRIBUTES = {"src", "srcset", "poster", "data", "action", "formaction", "background", "manifest"}
HREF_FETCHING_TAGS = {"link", "use", "image", "feimage", "script", "base", "tref"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'");\s]+)""", re.IGNORECASE)


def is_local(url: str) -> bool:
    url = url.strip()
    return url == "" or url.startswith("#") or url.lower().startswith("data:")


class StaticScan(html.parser.HTMLParser):
    """Collects everything in the HTML that would make the browser fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self.in_style = False

    def css(self, text: str, where: str) -> None:
        for match in CSS_URL.finditer(text):
            if not is_local(match.group(2)):
                self.problems.append(f"{where}: CSS url({match.group(2).strip()[:80]})")
        for match in CSS_IMPORT.finditer(text):
            if not is_local(match.group(1)):
                self.problems.append(f"{where}: CSS @import {match.group(1)[:80]}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        tag = tag.lower()
        if tag == "script":
            self.problems.append(f"line {line}: a <script> element (the report is to have none)")
        if tag == "base":
            self.problems.append(f"line {line}: a <base> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.problems.append(f"line {line}: <meta http-equiv=refresh>")
        if tag == "style":
            self.in_style = True
        for name, value in attrs:
            name = name.lower()
            value = value or ""
            if name == "style":
                self.css(value, f"line {line}: <{tag} style>")
            elif name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if not is_local(url):
                        self.problems.append(f"line {line}: <{tag} srcset> {url[:80]}")
            elif name in FETCHING_ATTRIBUTES and not is_local(value):
                self.problems.append(f"line {line}: <{tag} {name}=\"{value[:80]}\">")
            elif name in ("href", "xlink:href"):
                if tag in HREF_FETCHING_TAGS and not is_local(value):
                    self.problems.append(f"line {line}: <{tag} {name}=\"{value[:80]}\">")
                elif tag not in HREF_FETCHING_TAGS and not is_local(value):
                    self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.css(data, f"line {self.getpos()[0]}: <style>")


def colour_stats(image) -> tuple[int, float]:
    """(number of distinct colours, capped at 257; share of pixels not in the most common colour)."""
    rgb = image.convert("RGB")
    total = rgb.width * rgb.height
    if total == 0:
        return 0, 0.0
    histogram: dict = {}
    colours = rgb.getcolors(maxcolors=total)
    for count, colour in colours:
        histogram[colour] = count
    dominant = max(histogram.values())
    return min(len(histogram), 257), (total - dominant) / total


def start_browser(args, profile: str, server: str | None = None):
    """Headless Chromium with no network: host names do not resolve and every connection goes to a
    closed port, except, with `server` (an address such as 127.0.0.1), connections to it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",  # run as root in CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={args.width},{args.height}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        # Every host name fails to resolve and every connection goes to a closed local port, so a
        # fetch can only fail; the browser's own background traffic is off.
        "--host-resolver-rules=MAP * ~NOTFOUND" + (f", EXCLUDE {server}" if server else ""),
        "--proxy-server=127.0.0.1:9",
        f"--proxy-bypass-list={server or '<-loopback>'}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--lang=nl-NL",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=args.chromedriver)
    return webdriver.Chrome(service=service, options=options)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_file", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--page-number-pattern",
        default=r"\b1 / \d+\b",
        help='regular expression that the text of PDF page 1 must match (default: r"\\b1 / \\d+\\b")',
    )
    parser.add_argument(
        "--page-label",
        default="{page} / {pages}",
        help='text every PDF page must contain, with {page} and {pages}; "" to skip (default: "{page} / {pages}")',
    )
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--min-charts", type=int, default=1, help="fewest svg.chart elements (default 1)")
    parser.add_argument("--min-colours", type=int, default=8, help="first screen: more distinct colours than this")
    parser.add_argument("--min-ink", type=float, default=0.005, help="first screen: share of non-background pixels")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    args = parser.parse_args()

    started = time.monotonic()
    failures: list[str] = []
    notes: list[str] = []
    html_file = args.html_file.resolve()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    if not html_file.is_file():
        print(f"FAIL: {args.html_file}: no such file")
        return 1
    try:
        from PIL import Image
        from selenium.common.exceptions import WebDriverException
    except ImportError as error:
        print(f"check_report.py: {error} (make browser-deps installs Selenium and Pillow)", file=sys.stderr)
        return 2
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            print(f"check_report.py: {tool} not found (make browser-deps installs poppler-utils)", file=sys.stderr)
            return 2

    # 1a. The HTML itself names nothing to fetch.
    scan = StaticScan()
    scan.feed(html_file.read_text(encoding="utf-8"))
    scan.close()
    failures += [f"external resource in the HTML, {p}" for p in scan.problems]

    profile = tempfile.mkdtemp(prefix="check-report-profile-")
    try:
        driver = start_browser(args, profile)
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        print(f"check_report.py: could not start Chromium: {error.msg}", file=sys.stderr)
        return 2
    try:
        version = driver.capabilities.get("browserVersion", "?")
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.setBlockedURLs",
            {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]},
        )
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False},
        )
        # Start from an empty page and drop what the browser logged while starting, so that the
        # logs hold only what loading the report did.
        driver.get("about:blank")
        driver.get_log("performance")
        driver.get_log("browser")
        page_url = html_file.as_uri()
        driver.get(page_url)
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "(document.fonts ? document.fonts.ready : Promise.resolve()).then(() => done(true));"
        )

        # 1b. The browser made no request but the page, and logged no error.
        urls: dict[str, str] = {}
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params.get("request", {}).get("url", "")
                urls[params.get("requestId", "")] = url
                if url != page_url and not url.startswith("data:"):
                    failures.append(f"network request attempted: {url[:120]}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                reason = params.get("errorText", "")
                if params.get("blockedReason"):
                    reason += f" (blocked: {params['blockedReason']})"
                url = urls.get(params.get("requestId", ""), "?")
                failures.append(f"request failed in the browser, {params.get('type', '?')} {url[:120]}: {reason}")
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                failures.append(f"browser error: {entry.get('message', '')[:160]}")
            else:
                notes.append(f"browser log ({entry.get('level')}): {entry.get('message', '')[:160]}")

        # 2. The first screen and the whole page.
        first = out / "report-first-screen.png"
        first_png = driver.get_screenshot_as_png()
        first.write_bytes(first_png)
        image = Image.open(io.BytesIO(first_png))
        colours, ink = colour_stats(image)
        if image.size != (args.width, args.height):
            notes.append(f"first screen is {image.size[0]}x{image.size[1]}, not {args.width}x{args.height}")
        if colours <= args.min_colours or ink < args.min_ink:
            failures.append(
                f"first screen looks blank: {colours} colours, {ink:.2%} non-background pixels "
                f"(need > {args.min_colours} and >= {args.min_ink:.2%})"
            )
        size = driver.execute_script(
            "const e = document.documentElement, b = document.body;"
            "return [Math.max(e.scrollWidth, b ? b.scrollWidth : 0), Math.max(e.scrollHeight, b ? b.scrollHeight : 0)];"
        )
        page_w, page_h = int(size[0]), int(size[1])
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": page_w, "height": page_h, "scale": 1},
            },
        )
        full = out / "report-full-page.png"
        full.write_bytes(base64.b64decode(shot["data"]))
        full_image = Image.open(full).convert("RGB")

        # 3. Every chart: present, labelled, sized, on the page and drawn.
        charts = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg.chart')).map(s => {"
            "  const r = s.getBoundingClientRect();"
            "  const kid = n => Array.from(s.children).find(c => c.localName === n);"
            "  return {id: s.id, role: s.getAttribute('role'),"
            "    title: (kid('title') || {}).textContent || '', desc: (kid('desc') || {}).textContent || '',"
            "    x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height};"
            "});"
        )
        sections = driver.execute_script("return Array.from(document.querySelectorAll('section[id]')).map(s => s.id);")
        duplicates = driver.execute_script(
            "const seen = {}, twice = new Set();"
            "document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) twice.add(e.id); seen[e.id] = 1; });"
            "return Array.from(twice);"
        )
        failures += [f"id used more than once: {d}" for d in duplicates]
        if len(charts) < args.min_charts:
            failures.append(f"{len(charts)} svg.chart elements, expected at least {args.min_charts}")
        scale_x = full_image.width / page_w if page_w else 1
        scale_y = full_image.height / page_h if page_h else 1
        for index, chart in enumerate(charts):
            name = f"chart #{chart['id']}" if chart["id"] else f"chart {index + 1} (no id)"
            if not chart["id"]:
                failures.append(f"{name}: svg.chart without an id")
            if chart["role"] != "img":
                failures.append(f"{name}: role is {chart['role']!r}, not 'img'")
            if not chart["title"].strip():
                failures.append(f"{name}: no <title> text")
            if not chart["desc"].strip():
                failures.append(f"{name}: no <desc> text")
            x, y, w, h = chart["x"], chart["y"], chart["w"], chart["h"]
            if w < 1 or h < 1:
                failures.append(f"{name}: size {w:.0f}x{h:.0f} px")
                continue
            if x < -0.5 or y < -0.5 or x + w > page_w + 0.5 or y + h > page_h + 0.5:
                failures.append(
                    f"{name}: at ({x:.0f},{y:.0f}) size {w:.0f}x{h:.0f}, outside the page {page_w}x{page_h}"
                )
                continue
            box = (
                int(x * scale_x),
                int(y * scale_y),
                max(int((x + w) * scale_x), int(x * scale_x) + 1),
                max(int((y + h) * scale_y), int(y * scale_y) + 1),
            )
            chart_colours, chart_ink = colour_stats(full_image.crop(box))
            if chart_colours < 2:
                failures.append(f"{name}: its {w:.0f}x{h:.0f} px region is all one colour (nothing drawn)")
            chart["colours"], chart["ink"] = chart_colours, chart_ink

        # 4. Printed to PDF: A4 pages with the CSS page numbers.
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        pdf = driver.execute_cdp_cmd(
            "Page.printToPDF",
            {"displayHeaderFooter": False, "printBackground": True, "preferCSSPageSize": True},
        )
        pdf_path = out / "report.pdf"
        pdf_path.write_bytes(base64.b64decode(pdf["data"]))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)

    pages = 0
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    if info.returncode != 0 or not match:
        failures.append(f"PDF unreadable by pdfinfo: {info.stderr.strip()[:160]}")
    else:
        pages = int(match.group(1))
        if pages < 1:
            failures.append("PDF has no page")
        sizes = subprocess.run(
            ["pdfinfo", "-box", "-f", "1", "-l", str(pages), str(pdf_path)], capture_output=True, text=True
        ).stdout
        for page, box in re.findall(
            r"^Page\s+(\d+)\s+MediaBox:\s+([-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+)", sizes, re.MULTILINE
        ):
            x0, y0, x1, y1 = (float(v) for v in box.split())
            w, h = x1 - x0, y1 - y0
            if abs(w - A4_PT[0]) > A4_TOLERANCE_PT or abs(h - A4_PT[1]) > A4_TOLERANCE_PT:
                failures.append(f"PDF page {page}: MediaBox {w:.2f} x {h:.2f} pt, not A4 (595 x 842)")
    # -raw keeps the text in content order with its spaces; -layout turns "1 / 2" into "1/2".
    text = subprocess.run(["pdftotext", "-raw", str(pdf_path), "-"], capture_output=True, text=True).stdout
    page_texts = text.split("\f")
    if pages:
        if not re.search(args.page_number_pattern, page_texts[0]):
            failures.append(f"PDF page 1: no text matching the page number pattern {args.page_number_pattern!r}")
        if args.page_label:
            for page in range(1, pages + 1):
                label = args.page_label.format(page=page, pages=pages)
                body = page_texts[page - 1] if page - 1 < len(page_texts) else ""
                if not re.search(r"(?<!\d)" + re.escape(label) + r"(?!\d)", body):
                    failures.append(f"PDF page {page}: page label {label!r} not found")

    for failure in failures:
        print(f"FAIL: {failure}")
    for note in notes:
        print(f"note: {note}")
    print(f"{html_file.name}: Chromium {version}; {len(scan.links)} outbound links (not fetched); "
          f"{len(sections)} sections; {len(charts)} charts; page {page_w}x{page_h} px; "
          f"first screen {colours if colours < 257 else '>256'} colours, {ink:.1%} ink; PDF {pages} pages "
          f"-> {out}")
    for chart in charts:
        if "colours" in chart:  # the charts that got as far as the pixel check
            print(f"  chart #{chart['id']}: {chart['w']:.0f}x{chart['h']:.0f} px at ({chart['x']:.0f},{chart['y']:.0f}), "
                  f"{chart['colours'] if chart['colours'] < 257 else '>256'} colours")
    checks = "no network request, first screen drawn, charts drawn, A4 PDF with page numbers"
    status = "passed" if not failures else f"{len(failures)} failed"
    print(f"check_report: {status} ({checks}) in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
