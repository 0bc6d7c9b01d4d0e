"""Drive the whole product in headless Chromium (Selenium): the end-to-end test, the README
screenshots (``dashboard/screenshots.py``) and the speed benchmark use these helpers.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and the
``selenium`` test extra.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1")
WAIT = 90.0
"""Generous waits: CI has 2 cores shared with the API, the dashboard and a solver."""


def chromium_available() -> str | None:
    """Why the browser cannot run, or None when chromium and chromedriver are there."""
    for exe in ("chromium", "chromedriver"):
        if shutil.which(exe) is None:
            return f"{exe} is not installed (apt-get install chromium chromium-driver; .ci/run does it)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@dataclass
class Stack:
    url: str
    api_url: str
    password: str
    process: subprocess.Popen
    log: Path


@contextmanager
def rota_up(workdir: Path, password: str = "manager-pass-1", demo_time_limit: float = 5.0,
            database_url: str | None = None, timeout: float = 300.0) -> Iterator[Stack]:
    """Run ``rota up`` in ``workdir`` on free ports until the block ends (then SIGTERM it)."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "rota-up.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    cmd = [sys.executable, "-m", "api.cli", "up", "--port", "0", "--api-port", "0",
           "--password", password, "--demo-time-limit", str(demo_time_limit)]
    root = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        url = api = None
        while time.monotonic() < deadline:
            text = log.read_text()
            if m := re.search(r"Rota is up: open (http://\S+)", text):
                url = m.group(1)
                api = re.search(r"API: (http://\S+)/api/v1/docs", text).group(1)
                break
            if proc.poll() is not None:
                raise RuntimeError(f"rota up exited {proc.returncode}:\n{text}")
            time.sleep(0.5)
        if url is None:
            raise RuntimeError(f"rota up did not start in {timeout:.0f} s:\n{log.read_text()}")
        yield Stack(url, api, password, proc, log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@contextmanager
def chrome(width: int = 1600, height: int = 1000) -> Iterator:
    """A headless Chromium with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="rota-chrome-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for f in CHROME_FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_text(driver, text: str, timeout: float = WAIT) -> None:
    """Wait until ``text`` appears in the page's visible text."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: text in d.find_element("tag name", "body").text)


def wait_css(driver, selector: str, timeout: float = WAIT):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, selector)))


def click_button(driver, label: str, timeout: float = WAIT) -> None:
    """Click the (enabled) button whose text is ``label``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    xpath = f"//button[normalize-space(.)='{label}']"
    button = WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        ec.element_to_be_clickable((By.XPATH, xpath)))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


def fill(driver, label: str, value: str, timeout: float = WAIT) -> None:
    """Type into the text input labelled ``label`` (replacing what it holds)."""
    from selenium.webdriver.common.keys import Keys

    box = wait_css(driver, f'input[aria-label="{label}"]', timeout)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(value)


def sign_in(driver, url: str, username: str, password: str) -> None:
    """Open the dashboard signed out and sign in."""
    driver.delete_all_cookies()
    driver.get(url)
    fill(driver, "User name", username)
    fill(driver, "Password", password)
    click_button(driver, "Sign in")


def open_page(driver, url: str, path: str) -> None:
    """Go to a page through the sidebar (a full reload would lose the session)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    link = WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, f'a[href$="/{path}"]')))
    link.click()


def screenshot(driver, path: Path, full: bool = True) -> Path:
    """Save a PNG of the page (the whole scrolling height when ``full``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if full:
        height = driver.execute_script(
            "const m = document.querySelector('section.stMain, [data-testid=\"stMain\"]');"
            "return Math.max(document.body.scrollHeight, m ? m.scrollHeight : 0);")
        width = driver.get_window_size()["width"]
        driver.set_window_size(width, min(max(height + 40, 900), 4000))
        time.sleep(1.0)
    driver.save_screenshot(str(path))
    return path
