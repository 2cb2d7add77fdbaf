#!/usr/bin/env python3
"""The office server (`otchet serve DIR --listen 127.0.0.1:PORT`) in real
browsers: two Chromium sessions for two departments and one for the
coordinator. Each department signs in, edits an event of its own
section and saves; the coordinator sees both edits and the audit log
names both users. Then the section workflow: the culture department hands
its section in, the coordinator returns it with a remark, the department
sees the remark, fixes and hands in again, the coordinator accepts; the
coordinator's list shows each step. Usage: office_page.py OTCHET_BINARY
REFERENCE.toml OUTDIR AXE.min.js (screenshots into OUTDIR; axe-core checks
the office's own views: sign-in, a department's and the coordinator's list
and report)."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chrome import axe_violations  # noqa: E402
from docx_words import authors, docx_words  # noqa: E402
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

binary, reference, outdir, axe_path = sys.argv[1:5]
AXE = open(axe_path, encoding="utf-8").read()
violations = {}
os.makedirs(outdir, exist_ok=True)
work = tempfile.mkdtemp()
shutil.copy(reference, os.path.join(work, "2020-q4.toml"))
PASSWORD = "длинный пароль 2021"
CULTURE = "Департамент Смоленской области по культуре"
ECONOMY = "Департамент экономического развития Смоленской области"
for login, role, dept, name in [
    ("coord", "coordinator", None, "Иванова И. И."),
    ("culture", "department", CULTURE, "Петров П. П."),
    ("economy", "department", ECONOMY, "Сидорова С. С."),
]:
    args = [binary, "users", "add", login, "--role", role, "--name", name, "--dir", work, "--password-stdin"]
    if dept:
        args += ["--department", dept]
    subprocess.run(args, input=PASSWORD + "\n", text=True, check=True, capture_output=True)

server = subprocess.Popen([binary, "serve", work, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
base = server.stdout.readline().strip().rstrip("/")
assert base.startswith("http://127.0.0.1:"), base


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1440,900", f"--user-data-dir={tempfile.mkdtemp()}"]:
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


drivers = []


def click(d, element):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def check(d, view):
    violations[view] = axe_violations(d, AXE)


def sign_in(login):
    d = browser()
    drivers.append(d)
    d.get(base + "/reports/2020-q4")
    wait = WebDriverWait(d, 20)
    wait.until(lambda d: d.current_url.endswith("/login"))
    if "sign-in" not in violations:
        check(d, "sign-in")
    # By keyboard: the login field has focus.
    wait.until(lambda d: d.switch_to.active_element.get_attribute("id") == "login")
    d.switch_to.active_element.send_keys(login, Keys.TAB, PASSWORD, Keys.ENTER)
    wait.until(lambda d: d.current_url == base + "/")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "header .who"))
    return d, wait


def open_report(d, wait):
    d.get(base + "/reports/2020-q4")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 17)
    wait.until(lambda d: not d.find_element(By.ID, "sections").get_attribute("hidden"))


def edit_first_event_of(d, wait, dept, text):
    rows = d.find_elements(By.CSS_SELECTOR, "#table tr")
    at = [i for i, r in enumerate(rows) if "department" in r.get_attribute("class") and dept in r.text][0]
    row = [r for r in rows[at + 1:] if "event" in r.get_attribute("class")][0]
    click(d, row)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "aside [data-path$='/title']"))
    title = d.find_element(By.CSS_SELECTOR, "aside [data-path$='/title']")
    assert title.is_enabled(), "own section is read-only"
    title.clear()
    title.send_keys(text)
    click(d, d.find_element(By.ID, "save"))
    wait.until(lambda d: d.find_element(By.ID, "status").text == "Сохранено")


try:
    a, wa = sign_in("culture")
    b, wb = sign_in("economy")
    open_report(a, wa)
    open_report(b, wb)
    # Another department's row opens read-only.
    rows = a.find_elements(By.CSS_SELECTOR, "#table tr.event")
    rows[0].click()  # the employment department's first event
    wa.until(lambda d: d.find_elements(By.CSS_SELECTOR, "aside .readonly"))
    assert not a.find_element(By.CSS_SELECTOR, "aside [data-path$='/title']").is_enabled()
    a.save_screenshot(os.path.join(outdir, "office-department.png"))
    check(a, "department's report, another section read-only")
    # Both departments edit their own sections from the same version.
    edit_first_event_of(a, wa, CULTURE, "Правка департамента культуры")
    edit_first_event_of(b, wb, ECONOMY, "Правка департамента экономики")
    text = open(os.path.join(work, "2020-q4.toml"), encoding="utf-8").read()
    assert "Правка департамента культуры" in text and "Правка департамента экономики" in text, "a section's save was lost"

    c, wc = sign_in("coord")
    wc.until(lambda d: "Журнал действий" in d.find_element(By.ID, "audit-step").text)
    log = c.find_element(By.ID, "audit-step").text
    assert "culture" in log and "economy" in log and "сохранение" in log, log
    open_report(c, wc)
    table = c.find_element(By.ID, "table").text
    assert "Правка департамента культуры" in table and "Правка департамента экономики" in table

    # The section workflow: hand in, return with a remark, fix, hand in, accept.
    open_report(a, wa)
    wa.until(lambda d: d.find_elements(By.ID, "submit-section"))
    click(a, a.find_element(By.ID, "submit-section"))
    wa.until(lambda d: "Готов к проверке" in d.find_element(By.ID, "sections").text)

    c.get(base + "/")
    wc.until(lambda d: CULTURE in d.find_element(By.ID, "office").text)
    assert "Ждут проверки" in c.find_element(By.ID, "office").text
    c.save_screenshot(os.path.join(outdir, "office-coordinator.png"))
    wc.until(lambda d: "Пользователи" in d.find_element(By.ID, "users-step").text)
    check(c, "coordinator's list (waiting, users, log)")
    open_report(c, wc)
    wc.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sections button.return"))
    c.find_element(By.CSS_SELECTOR, "#sections .remark-input").send_keys("Уточните место проведения")
    click(c, c.find_element(By.CSS_SELECTOR, "#sections button.return"))
    wc.until(lambda d: "На доработке" in d.find_element(By.ID, "sections").text)

    a.get(base + "/")
    wa.until(lambda d: "Уточните место проведения" in d.find_element(By.ID, "office").text)
    open_report(a, wa)
    wa.until(lambda d: "Уточните место проведения" in d.find_element(By.ID, "sections").text)
    a.save_screenshot(os.path.join(outdir, "office-returned.png"))
    check(a, "department's report, returned with a remark")
    edit_first_event_of(a, wa, CULTURE, "Правка после замечания")
    wa.until(lambda d: d.find_elements(By.ID, "submit-section"))
    click(a, a.find_element(By.ID, "submit-section"))
    wa.until(lambda d: "Готов к проверке" in d.find_element(By.ID, "sections").text)

    open_report(c, wc)
    wc.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sections button.accept"))
    click(c, c.find_element(By.CSS_SELECTOR, "#sections button.accept"))
    wc.until(lambda d: "Принят" in d.find_element(By.ID, "sections").text)
    check(c, "coordinator's report with the sections")
    a.get(base + "/")
    wa.until(lambda d: "Принят" in d.find_element(By.ID, "office").text)
    check(a, "department's list")
    c.get(base + "/")
    wc.until(lambda d: "Журнал действий" in d.find_element(By.ID, "audit-step").text)
    log = c.find_element(By.ID, "audit-step").text
    for step in ["Черновик → Готов к проверке", "Готов к проверке → На доработке: Уточните место проведения",
                 "На доработке → Готов к проверке", "Готов к проверке → Принят"]:
        assert step in log, (step, log)
    c.save_screenshot(os.path.join(outdir, "office-log.png"))

    # The corrections since the first version: each change under its
    # author's name; accepting all gives the report, rejecting all the
    # first version.
    import base64
    versions = c.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch('/api/reports/2020-q4/versions').then(r => r.json()).then(done);""")["versions"]
    oldest = versions[-1]["id"]
    b64 = c.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
          let s = ''; const a = new Uint8Array(b);
          for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
          done(btoa(s));
        });""", "/api/reports/2020-q4/versions/" + oldest + ".docx")
    changes = base64.b64decode(b64)
    assert authors(changes) == {"Петров П. П.", "Сидорова С. С."}, authors(changes)
    # LibreOffice's own reading of the tracked changes: their authors.
    lo = tempfile.mkdtemp()
    with open(os.path.join(lo, "changes.docx"), "wb") as f:
        f.write(changes)
    subprocess.run(["soffice", "--headless", "--convert-to", "fodt", "--outdir", lo, os.path.join(lo, "changes.docx")],
                   check=True, capture_output=True, timeout=180)
    import re
    fodt = open(os.path.join(lo, "changes.fodt"), encoding="utf-8").read()
    tracked = re.search(r"<text:tracked-changes.*?</text:tracked-changes>", fodt, re.S).group(0)
    lo_authors = set(re.findall(r"<dc:creator>([^<]*)</dc:creator>", tracked))
    assert lo_authors == {"Петров П. П.", "Сидорова С. С."}, lo_authors
    plain = {}
    docs = tempfile.mkdtemp()
    kept = os.path.join(work, ".otchet", "versions", "2020-q4", oldest + ".toml")
    for label, src in [("new", os.path.join(work, "2020-q4.toml")), ("old", kept)]:
        d = os.path.join(docs, label)
        subprocess.run([binary, "render", src, "--format", "docx", "-o", d], check=True, capture_output=True)
        plain[label] = docx_words(open(os.path.join(d, os.listdir(d)[0]), "rb").read())
    assert docx_words(changes, accept=True) == plain["new"], "accepting every change is not the report"
    assert docx_words(changes, accept=False) == plain["old"], "rejecting every change is not the first version"
    bad = {k: v for k, v in violations.items() if v}
    assert not bad, f"axe-core: {bad}"
    print("axe-core (WCAG 2.1 A/AA) violations per office view: " + ", ".join(f"{k} {len(v)}" for k, v in violations.items()))
    print("office browser: two departments saved their sections at once, the coordinator saw both and the log named them; "
          "handed in, returned with a remark, fixed, handed in, accepted; the corrections DOCX names both departments' users, accept all = the report, reject all = the first version")
finally:
    for d in drivers:
        d.quit()
    server.kill()
