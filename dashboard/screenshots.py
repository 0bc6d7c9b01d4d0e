"""Regenerate the README screenshots (``docs/img/``) with the browser of the end-to-end test.

Starts ``rota up`` on a temporary SQLite database (the demo, planned for
``--time-limit`` seconds), publishes the plan, and photographs the Roster, Coverage,
On call, Data (a refused edit, its message under the field), My schedule and Swaps (a
technician's proposal pending, as a coordinator sees it) pages in headless Chromium::

    python -m dashboard.screenshots [--out docs/img] [--time-limit 30] [--only swaps.png]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from dashboard import browser as b

TECH_PASSWORD = "technician-pass-1"


def _api(api_url: str, password: str) -> httpx.Client:
    h = httpx.Client(base_url=f"{api_url}/api/v1", timeout=60)
    token = h.post("/auth/token", data={"username": "manager", "password": password}).json()
    h.headers["Authorization"] = f"Bearer {token['access_token']}"
    return h


SHOTS = ("roster.png", "coverage.png", "oncall.png", "data-error.png", "my-schedule.png",
         "swaps.png")


def _proposal(api_url: str, h: httpx.Client, plan: int, technician: str) -> None:
    """As ``technician``, propose giving their first duty that some colleague can take
    without breaking a hard rule (the API stores only such proposals)."""
    techs = [x["id"] for x in h.get("/technicians").json() if x["id"] != technician]
    t = httpx.Client(base_url=f"{api_url}/api/v1", timeout=60)
    token = t.post("/auth/token", data={"username": "camille", "password": TECH_PASSWORD}).json()
    t.headers["Authorization"] = f"Bearer {token['access_token']}"
    duties = h.get(f"/plans/{plan}/assignments", params={"technician": technician}).json()
    for a in duties[len(duties) // 2:]:
        duty = {k: a[k] for k in ("client", "date", "shift", "skill")}
        for to in techs:
            v = t.post(f"/plans/{plan}/swaps", json={"technician": technician, "to": to,
                                                     "duty": duty}).json()
            if v.get("proposal_id"):
                t.close()
                return
    raise SystemExit(f"no colleague can take a duty of {technician}")


def _refused_phone(d) -> None:
    """Type a phone number without its country code into the first technician's row of
    the Data table and save: the API refuses it and the page shows why under the field."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    grid = b.wait_css(d, '[data-testid="stDataFrame"]')
    time.sleep(1.5)
    # the first row's first cell (header and rows are 35 px high), then right to 'phone'
    ActionChains(d).move_to_element_with_offset(grid, -grid.size["width"] // 2 + 40,
                                                -grid.size["height"] // 2 + 52).click().perform()
    keys = ActionChains(d)
    for _ in range(3):  # id, name, email, phone
        keys.send_keys(Keys.ARROW_RIGHT)
    keys.send_keys("0").perform()  # the first key opens the cell's editor: let it open
    time.sleep(0.7)
    ActionChains(d).send_keys("470 12 34 56").perform()
    time.sleep(0.5)
    ActionChains(d).send_keys(Keys.ENTER).perform()
    time.sleep(1)
    b.click_button(d, "Save technicians")
    b.wait_text(d, "international form")
    el = d.find_element("xpath", "//*[contains(text(), 'Refused: change to')]")
    d.execute_script("arguments[0].scrollIntoView({block: 'start'});", el)
    time.sleep(1.5)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "img")
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--technician", default="T05", help="Technician whose schedule is shown.")
    p.add_argument("--only", choices=SHOTS, help="take this screenshot only")
    args = p.parse_args()
    if why := b.chromium_available():
        raise SystemExit(why)
    with tempfile.TemporaryDirectory(prefix="rota-shots-") as tmp, \
            b.rota_up(Path(tmp), demo_time_limit=args.time_limit) as stack:
        h = _api(stack.api_url, stack.password)
        plan = h.get("/plans").json()[0]["id"]
        h.post(f"/plans/{plan}/publish").raise_for_status()
        h.post("/users", json={"username": "camille", "password": TECH_PASSWORD,
                               "role": "technician", "technician_id": args.technician,
                               "full_name": "Technician"}).raise_for_status()
        _proposal(stack.api_url, h, plan, args.technician)
        h.close()

        def want(name: str) -> bool:
            return args.only is None or args.only == name

        with b.chrome(1680, 1000) as d:
            b.sign_in(d, stack.url, "manager", stack.password)
            b.wait_css(d, "table.rota-grid")
            time.sleep(1.5)
            if want("roster.png"):
                b.screenshot(d, args.out / "roster.png", full=False)
            if want("coverage.png"):
                b.open_page(d, stack.url, "coverage")
                b.wait_text(d, "Gaps (")
                time.sleep(3)
                b.screenshot(d, args.out / "coverage.png", full=False)
            if want("oncall.png"):
                b.open_page(d, stack.url, "oncall")
                b.wait_css(d, "table.rota-oncall")
                time.sleep(2)
                b.screenshot(d, args.out / "oncall.png", full=False)
            if want("swaps.png"):
                d.set_window_size(1280, 640)
                b.open_page(d, stack.url, "swaps")
                b.wait_text(d, "Pending (1)")
                time.sleep(2)
                b.screenshot(d, args.out / "swaps.png", full=False)
                d.set_window_size(1680, 1000)
            if want("data-error.png"):
                b.open_page(d, stack.url, "data")
                _refused_phone(d)
                b.screenshot(d, args.out / "data-error.png", full=False)
                d.set_window_size(1680, 1000)
            if want("my-schedule.png"):
                b.click_button(d, "Sign out")
                b.sign_in(d, stack.url, "camille", TECH_PASSWORD)
                b.wait_css(d, "table.rota-cal")
                b.click_button(d, "Create my calendar link")
                b.wait_text(d, "/api/v1/calendar/")
                time.sleep(1.5)
                b.screenshot(d, args.out / "my-schedule.png", full=False)
    print(f"written: {', '.join(str(args.out / n) for n in SHOTS if args.only in (None, n))}")


if __name__ == "__main__":
    main()
