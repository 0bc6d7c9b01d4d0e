"""Time from sign-in to the Roster grid painted, in headless Chromium (not a timed test).

Starts ``rota up`` on a temporary SQLite database holding either the demo (54
technicians x 28 days, planned by ``rota up``) or a generated scenario
(``planner.generate``, e.g. 400 technicians x 8 weeks, planned by ``rota demo
--scenario``), signs in as the manager in a fresh browser session each run and
measures, in the browser, from the click on *Sign in* to the grid painted (the
technician count caption shown and the data grid's canvas drawn). Then, with the
grid shown, the time to filter it to one client, then to sort it by site. The first sign-in of a fresh server
(imports) is reported apart; medians over ``--runs``.

Usage::

    python benchmarks/dashboard_speed.py --scenario demo --runs 5
    python benchmarks/dashboard_speed.py --scenario generated --technicians 400 --weeks 8
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import browser as b  # noqa: E402


SHOWN = """
const caps = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
  .map(e => e.textContent).filter(t => / of \d+ technicians/.test(t));
const rows = document.querySelectorAll('table.rota-grid tbody tr').length;
return [caps.length ? caps[0] : '', rows];
"""


def shown(driver) -> tuple[str, int]:
    """(the 'N of M technicians' caption, rows of the painted grid), read in the page."""
    return tuple(driver.execute_script(SHOWN))


def painted(driver, technicians: int | None = None) -> bool:
    caption, rows = shown(driver)
    want = f"of {technicians} technicians" if technicians else " technicians"
    return want in caption and rows > 0 and caption.startswith(f"{rows} of")


def wait(driver, cond, timeout: float = 300.0) -> float:
    t0 = time.perf_counter()
    while not cond():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the grid did not appear")
        time.sleep(0.02)
    return time.perf_counter() - t0


def sign_in_time(driver, url: str, password: str, n: int) -> float:
    driver.delete_all_cookies()
    driver.get(url)
    b.fill(driver, "User name", "manager")
    b.fill(driver, "Password", password)
    b.click_button(driver, "Sign in")
    t0 = time.perf_counter()
    wait(driver, lambda: painted(driver, n))
    return time.perf_counter() - t0


def filter_time(driver, client: str) -> float:
    before = shown(driver)
    box = driver.find_element("css selector", '[data-testid="stMultiSelect"] input')
    box.click()
    b.wait_css(driver, '[role="option"]', 30)
    option = next(o for o in driver.find_elements("css selector", '[role="option"]')
                  if o.text != "Select all")  # the first client of the list
    t0 = time.perf_counter()
    option.click()
    wait(driver, lambda: shown(driver) != before and painted(driver))
    return time.perf_counter() - t0


SORTED_BY_SITE = """
const th = document.querySelector('table.rota-grid tbody th');
return th ? th.textContent.includes(' · ') : false;
"""


def sort_time(driver) -> float:
    """Sort the grid by site (the Sort by select box) until it is repainted sorted."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # close the filter's option list
    box = next(e for e in driver.find_elements("css selector", '[data-testid="stSelectbox"]')
               if "Sort by" in e.text)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    time.sleep(0.3)
    box.find_element("css selector", "input").click()
    b.wait_css(driver, '[role="option"]', 30)
    option = next(o for o in driver.find_elements("css selector", '[role="option"]') if o.text == "site")
    t0 = time.perf_counter()
    option.click()
    wait(driver, lambda: driver.execute_script(SORTED_BY_SITE) and painted(driver))
    return time.perf_counter() - t0


def prepare_generated(work: Path, technicians: int, weeks: int, time_limit: float) -> str:
    from planner.generate import generate_scenario
    from planner.scenario_io.save import save_scenario

    folder = work / "scenario"
    save_scenario(generate_scenario(technicians, weeks=weeks, seed=0), folder)
    url = f"sqlite:///{work / 'rota.db'}"
    subprocess.run([sys.executable, "-m", "api.cli", "demo", "--scenario", str(folder), "--out",
                    str(work / "out"), "--time-limit", str(time_limit), "--database-url", url],
                   cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    return url


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", choices=["demo", "generated"], default="demo")
    p.add_argument("--technicians", type=int, default=400)
    p.add_argument("--weeks", type=int, default=8)
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds to plan the scenario")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--workdir", type=Path, default=None,
                   help="keep the database here and reuse it on the next run (default: temporary)")
    args = p.parse_args()
    if why := b.chromium_available():
        sys.exit(why)
    with tempfile.TemporaryDirectory(prefix="rota-speed-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        url = None
        if args.scenario == "generated":
            url = f"sqlite:///{work / 'rota.db'}"
            if not (work / "rota.db").exists():
                url = prepare_generated(work, args.technicians, args.weeks, args.time_limit)
        n = args.technicians if args.scenario == "generated" else None
        with b.rota_up(work, demo_time_limit=min(args.time_limit, 30.0), database_url=url) as stack, \
                b.chrome() as driver:
            cold = sign_in_time(driver, stack.url, stack.password, n)
            runs = [sign_in_time(driver, stack.url, stack.password, n) for _ in range(args.runs)]
            count = shown(driver)[0].split(" of ")[1].split()[0]
            print(f"sign-in runs: {', '.join(f'{r:.2f}' for r in runs)} s", flush=True)
            filters = [filter_time(driver, "")]
            sorts = [sort_time(driver)]
            for _ in range(max(0, args.runs - 1)):
                sign_in_time(driver, stack.url, stack.password, n)
                filters.append(filter_time(driver, ""))
                sorts.append(sort_time(driver))
    print(f"scenario: {args.scenario} ({count} technicians"
          + (f" x {args.weeks} weeks" if n else " x 28 days") + ")")
    print(f"machine: {platform.node()} {platform.machine()}, python {platform.python_version()}")
    print(f"first sign-in after start (imports): {cold:.2f} s")
    print(f"sign-in -> grid painted, median of {len(runs)}: {statistics.median(runs):.2f} s "
          f"(min {min(runs):.2f}, max {max(runs):.2f})")
    print(f"filter to one client -> grid repainted, median of {len(filters)}: "
          f"{statistics.median(filters):.2f} s")
    print(f"sort by site -> grid repainted, median of {len(sorts)}: {statistics.median(sorts):.2f} s")


if __name__ == "__main__":
    main()
