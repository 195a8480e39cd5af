#!/usr/bin/env python3
"""The what-if page of `buig serve` in Debian's headless Chromium, driven by Selenium.

Starts `buig serve --port 0` (a free loopback port), loads groningen-2018-mechanistic, moves a
success-rate slider with the keyboard as a user would, waits for the view to follow, and checks
that the figures on the page equal `buig run --set ...` of the same change. Then a value outside
the scenario format's range must be refused on the page with the validation's message, the
downloads must carry the change, and a screenshot must not be blank. Nothing is fetched but the
server's own address.

Usage: check_serve.py BUIG OUT_DIR [--chromium PATH] [--chromedriver PATH]
Exit 0: every check passed; 1: a check failed (one `FAIL:` line each); 2: no browser.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from check_report import colour_stats, start_browser  # noqa: E402

SCENARIO = "groningen-2018-mechanistic"
SLIDER = "interventions.jongeren.successRate"
STEPS = 10  # arrow presses of 0.01 each: 0.35 -> 0.45
FIGURES = ("expected", "p50", "p90", "p95")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("buig")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    args = parser.parse_args()
    args.width, args.height = 1400, 1700
    if not Path(args.chromium).exists() or not Path(args.chromedriver).exists():
        print(f"no browser: {args.chromium} or {args.chromedriver} is missing (make browser-deps)")
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []

    def fail(text: str) -> None:
        failures.append(text)
        print(f"FAIL: {text}")

    server = subprocess.Popen(
        [args.buig, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    driver = None
    try:
        line = server.stdout.readline().strip()
        if not line.startswith("buig serve: http://127.0.0.1:"):
            print(f"FAIL: buig serve printed {line!r}: {server.stderr.read()}")
            return 1
        url = line.split(": ", 1)[1]
        print(f"server: {url}")
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait

        with tempfile.TemporaryDirectory() as profile:
            driver = start_browser(args, profile, server="127.0.0.1")
            wait = WebDriverWait(driver, 120, poll_frequency=0.1)
            started = time.monotonic()
            driver.get(f"{url}?scenario={SCENARIO}")
            view = driver.find_element(By.ID, "view")
            wait.until(lambda d: view.get_attribute("data-version"))
            print(f"first view in {time.monotonic() - started:.1f} s")
            charts = driver.find_elements(By.CSS_SELECTOR, "#sections svg.chart")
            if len(charts) < 5:
                fail(f"expected the fan charts, the band view and the interventions' bars, found {len(charts)} charts")
            for c in charts:
                size = c.size
                if size["width"] < 100 or size["height"] < 50:
                    fail(f"chart {c.get_attribute('id')}: size {size}")
            before = {k: driver.find_element(By.ID, f"fig-{k}").get_attribute("data-value") for k in FIGURES}
            first_version = view.get_attribute("data-version")

            # Move the slider as a user does: focus it and press the right arrow.
            slider = driver.find_element(By.CSS_SELECTOR, f'input[type=range][data-path="{SLIDER}"]')
            start_value = float(slider.get_attribute("value"))
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
            for _ in range(STEPS):
                slider.send_keys(Keys.ARROW_RIGHT)
            value = slider.get_attribute("value")
            expected_edit = f"{SLIDER}={value}"
            print(f"slider {SLIDER}: {start_value} -> {value}")
            wait.until(
                lambda d: view.get_attribute("data-version") != first_version
                and expected_edit in json.loads(view.get_attribute("data-edits") or "[]")
                and "stale" not in view.get_attribute("class")
            )
            after = {k: driver.find_element(By.ID, f"fig-{k}").get_attribute("data-value") for k in FIGURES}
            paths = view.get_attribute("data-paths")
            seed = view.get_attribute("data-seed")
            cli = subprocess.run(
                [args.buig, "run", SCENARIO, "--set", expected_edit, "--paths", paths, "--seed", seed,
                 "--format", "json", "--quiet"],
                capture_output=True, text=True,
            )
            if cli.returncode != 0:
                fail(f"buig run --set {expected_edit}: exit {cli.returncode}: {cli.stderr}")
            else:
                nb = json.loads(cli.stdout)["horizon"]["netBurden"]
                for k in FIGURES:
                    want = nb[k]
                    got = float(after[k])
                    if got != want:
                        fail(f"figure {k}: the page shows {after[k]}, buig run --set {expected_edit} gives {want}")
                    else:
                        print(f"figure {k}: {got} = buig run --set {expected_edit}")
                if after["expected"] == before["expected"]:
                    fail(f"moving {SLIDER} did not change the expected net burden ({before['expected']})")
            text = driver.find_element(By.ID, "fig-expected").text
            if not text.startswith("€ ") or "." not in text:
                fail(f"the expected net burden reads {text!r}: expected Dutch euros such as € 26.118.125")

            driver.execute_script("window.scrollTo(0, 0)")
            driver.save_screenshot(str(args.out_dir / "serve.png"))
            from PIL import Image

            colours, ink = colour_stats(Image.open(args.out_dir / "serve.png"))
            if colours <= 8 or ink < 0.02:
                fail(f"the screenshot looks blank: {colours} colours, {ink:.1%} ink")
            else:
                print(f"screenshot: {colours} colours, {ink:.1%} ink")

            # A value outside the format's range: the page shows the validation's own message.
            number = driver.find_element(By.CSS_SELECTOR, f'input[type=number][data-path="{SLIDER}"]')
            driver.execute_script(
                "arguments[0].value = '1.5'; arguments[0].dispatchEvent(new Event('change'))", number
            )
            problems = driver.find_element(By.ID, "problems")
            wait.until(lambda d: problems.is_displayed())
            if "expected a number from 0 to 1, found number 1.5" not in problems.text:
                fail(f"a success rate of 1.5: the page says {problems.text!r}")
            else:
                print("1.5 refused on the page: " + problems.text.splitlines()[-1])
            driver.execute_script(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", number, value
            )
            wait.until(lambda d: not problems.is_displayed())

            # The changed scenario as the download button fetches it.
            doc = driver.execute_async_script(
                """const done = arguments[arguments.length - 1];
                fetch('/api/scenario', {method: 'POST', body: JSON.stringify({scenario: arguments[0], set: currentSet()})})
                  .then(r => r.text()).then(done, e => done(String(e)));""",
                SCENARIO,
            )
            jongeren = [i for i in json.loads(doc)["interventions"] if i.get("id") == "jongeren"]
            if not jongeren or str(jongeren[0].get("successRate")) != value:
                fail(f"the downloaded scenario's jongeren: {jongeren}, expected successRate {value}")

            # Nothing but the server was asked for.
            for entry in driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                if message.get("method") == "Network.requestWillBeSent":
                    asked = message["params"]["request"]["url"]
                    # The browser's own start page (chrome://) is no network request; any http,
                    # https, ws or ftp address but the server's would be.
                    if asked.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp") and not asked.startswith(url):
                        fail(f"network request outside the server: {asked}")
            for entry in driver.get_log("browser"):
                # The refused 1.5 (400) and views replaced by newer ones (409) are logged by design.
                expected_status = any(f"/api/view - Failed to load resource: the server responded with a status of {s}" in entry["message"] for s in (400, 409))
                if entry["level"] == "SEVERE" and not expected_status:
                    fail(f"browser log: {entry['message']}")
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("check_serve: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
