#!/usr/bin/env python3
"""The page of `otchet serve` in a real browser (Debian's chromium and
chromium-driver, driven over WebDriver by selenium).

Opens the reference report, adds an event through the form, sees the
Russian error at the field for an empty title, fixes it, saves, downloads
the PDF and finds the event in it (pdftotext); a title written as markup is
shown as text. Usage: serve_page.py OTCHET_BINARY REFERENCE.toml OUTDIR
(OUTDIR gets the screenshots and the PDF)."""

import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

binary, reference, outdir = sys.argv[1:4]
os.makedirs(outdir, exist_ok=True)
work = tempfile.mkdtemp()
shutil.copy(reference, os.path.join(work, "2020-q4.toml"))
server = subprocess.Popen([binary, "serve", work, "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = server.stdout.readline().strip()
assert url.startswith("http://127.0.0.1:") and "?token=" in url, url
base = url.split("/?")[0]

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--window-size=1500,1000", f"--user-data-dir={tempfile.mkdtemp()}"]:
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
wait = WebDriverWait(driver, 20)
NEW_TITLE = "Тестовое мероприятие из браузера"
MARKUP = "<script>window.pwned=1</script>"


def field(path):
    return driver.find_element(By.CSS_SELECTOR, f'[data-path="{path}"]')


def errors_at(path):
    return driver.find_element(By.CSS_SELECTOR, f'[data-errors="{path}"]').text


try:
    # The list, then the report (the token URL sets the cookie).
    driver.get(url)
    wait.until(EC.presence_of_element_located((By.LINK_TEXT, "2020-q4.toml"))).click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 17)
    numbers = [r.get_attribute("data-number") for r in driver.find_elements(By.CSS_SELECTOR, "#table tr.event")]
    assert numbers == [str(i) for i in range(1, 18)], numbers
    driver.save_screenshot(os.path.join(outdir, "serve-report.png"))

    # A new event at the end of the culture department.
    dept = [r for r in driver.find_elements(By.CSS_SELECTOR, "#table tr.department") if "культуре" in r.text][0]
    dept.click()
    wait.until(EC.element_to_be_clickable((By.XPATH, "//aside//button[text()='+ Мероприятие']"))).click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 18)
    title_path = driver.find_element(By.CSS_SELECTOR, "aside [data-path$='/title']").get_attribute("data-path")
    prefix = title_path.rsplit("/", 1)[0]
    # The empty title: the loader's Russian error, at the field.
    wait.until(lambda d: "пуст" in errors_at(title_path))
    msg = errors_at(title_path)
    assert any("а" <= c <= "я" for c in msg.lower()), msg
    driver.save_screenshot(os.path.join(outdir, "serve-error.png"))

    field(title_path).send_keys(NEW_TITLE)
    for key, text in [("place", "г. Смоленск"), ("participants", "Сотрудники департамента"), ("result", "Проверка страницы")]:
        field(f"{prefix}/{key}").send_keys(text)
    field(f"{prefix}/dates").send_keys("ноябрь")
    wait.until(lambda d: errors_at(title_path) == "")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".problem.error"))
    wait.until(lambda d: any(NEW_TITLE in r.text for r in d.find_elements(By.CSS_SELECTOR, "#table tr.event")))

    # Markup typed into a text stays text.
    first = driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[0]
    first.click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "aside h2").text.endswith("№ 1"))
    t = field("/department/0/event/0/title")
    t.clear()
    t.send_keys(MARKUP)
    wait.until(lambda d: MARKUP in d.find_elements(By.CSS_SELECTOR, "#table tr.event")[0].text)
    assert driver.execute_script("return window.pwned === undefined"), "markup ran"

    driver.find_element(By.ID, "save").click()
    wait.until(lambda d: d.find_element(By.ID, "status").text == "Сохранено")
    saved = open(os.path.join(work, "2020-q4.toml"), encoding="utf-8").read()
    assert NEW_TITLE in saved and "# " in saved, "not saved, or comments lost"

    # The PDF of the saved file, as the page's link gets it.
    b64 = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(document.getElementById('pdf').href).then(r => r.arrayBuffer()).then(b => {
          let s = ''; const a = new Uint8Array(b);
          for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
          done(btoa(s));
        });""")
    pdf = base64.b64decode(b64)
    assert pdf.startswith(b"%PDF"), pdf[:20]
    with open(os.path.join(outdir, "serve.pdf"), "wb") as f:
        f.write(pdf)
    text = subprocess.run(["pdftotext", os.path.join(outdir, "serve.pdf"), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert NEW_TITLE in flat, "the new event is not in the PDF"
    assert MARKUP in flat, "the markup title is not in the PDF as text"
    print("browser: 17 events numbered 1-17; event added, empty-title error at the field, fixed, saved; "
          "the PDF has it; markup shown as text")
finally:
    driver.quit()
    server.kill()
