"""One Chromium for the browser tests (Debian's chromium and
chromium-driver over WebDriver): headless, a fresh profile, the window
size given; `scale` 2 shows the page as at 200 % zoom (the CSS viewport
halves, as the browser's zoom halves it)."""

import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def browser(width=1440, height=900, scale=1):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--lang=ru", f"--window-size={width},{height}", f"--user-data-dir={tempfile.mkdtemp()}"]:
        opts.add_argument(a)
    if scale != 1:
        opts.add_argument(f"--force-device-scale-factor={scale}")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    if scale != 1:
        # The CSS viewport of a window at `scale` zoom.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width // scale, "height": height // scale, "deviceScaleFactor": scale, "mobile": False})
    return driver


def local_server(binary, files):
    """`otchet serve` on a fresh folder holding `files` ({name: path}):
    the process, the first address (with the token) and the base URL."""
    import os
    import shutil
    import subprocess
    work = tempfile.mkdtemp()
    for name, path in files.items():
        shutil.copy(path, os.path.join(work, name))
    server = subprocess.Popen([binary, "serve", work, "--no-browser"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    url = server.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:") and "?token=" in url, url
    return server, work, url, url.split("/?")[0]


def axe_violations(driver, axe_source):
    """axe-core's WCAG 2.0/2.1 A and AA violations of the page as it is
    now, one line each."""
    driver.execute_script(axe_source)
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
          .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
          .catch(e => done(['axe failed: ' + e]));""")
