#!/usr/bin/env python3
"""The page of `otchet serve` in a real browser (Debian's chromium and
chromium-driver, driven over WebDriver by selenium).

Opens the reference report, adds an event through the form, sees the
Russian error at the field for an empty title, fixes it, saves, downloads
the PDF and finds the event in it (pdftotext); a title written as markup is
shown as text. Then the quarter's workflow: imports the reference DOCX
(preview, then a new report), starts the next quarter, adds an event,
saves, changes it, saves, downloads the corrections DOCX of the previous
version and resolves it: accepting every change gives the new report's
text, rejecting every change the old one's. Usage: serve_page.py OTCHET_BINARY REFERENCE.toml OUTDIR
(OUTDIR gets the screenshots and the PDF)."""

import base64
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chrome import browser, local_server  # noqa: E402
from docx_words import docx_words  # noqa: E402
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

binary, reference, outdir = sys.argv[1:4]
os.makedirs(outdir, exist_ok=True)
server, work, url, base = local_server(binary, {"2020-q4.toml": reference})

driver = browser(1500, 1000)
wait = WebDriverWait(driver, 20)
NEW_TITLE = "Тестовое мероприятие из браузера"
MARKUP = "<script>window.pwned=1</script>"


def fetch_bytes(url):
    b64 = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0], { headers: authHeaders() }).then(r => r.arrayBuffer()).then(b => {
          let s = ''; const a = new Uint8Array(b);
          for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
          done(btoa(s));
        });""", url)
    return base64.b64decode(b64)


def field(path):
    return driver.find_element(By.CSS_SELECTOR, f'[data-path="{path}"]')


def errors_at(path):
    return driver.find_element(By.CSS_SELECTOR, f'[data-errors="{path}"]').text


try:
    # The list, then the report (the token URL: the page keeps the token).
    driver.get(url)
    # Reports are listed by period, not by file name.
    wait.until(EC.presence_of_element_located((By.LINK_TEXT, "IV квартал 2020 года"))).click()
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
    # A new event starts clean: no error before a field is left, no
    # agreement chosen for the clerk.
    time.sleep(0.8)
    assert errors_at(title_path) == "", errors_at(title_path)
    assert not driver.find_elements(By.CSS_SELECTOR, "aside input[type=radio]:checked"), "an agreement was chosen"
    # The empty title, left: the loader's Russian error, at the field.
    field(title_path).click()
    field(title_path).send_keys(Keys.TAB)
    wait.until(lambda d: "не заполнено" in errors_at(title_path))
    assert field(title_path).get_attribute("aria-invalid") == "true"
    msg = errors_at(title_path)
    assert any("а" <= c <= "я" for c in msg.lower()), msg
    driver.save_screenshot(os.path.join(outdir, "serve-error.png"))

    field(title_path).send_keys(NEW_TITLE)
    driver.find_elements(By.CSS_SELECTOR, "aside input[type=radio]")[0].click()
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
        fetch(document.getElementById('pdf').href, { headers: authHeaders() }).then(r => r.arrayBuffer()).then(b => {
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

    # The quarter's workflow. Import the reference report's DOCX.
    docs = tempfile.mkdtemp()
    subprocess.run([binary, "render", reference, "--format", "docx", "-o", docs], check=True, capture_output=True)
    ref_docx = os.path.join(docs, os.path.basename(reference).replace(".toml", ".docx"))
    driver.get(base + "/")
    wait.until(EC.presence_of_element_located((By.ID, "import-files"))).send_keys(ref_docx)
    driver.find_element(By.ID, "import-preview").click()
    box = wait.until(EC.presence_of_element_located((By.ID, "import-preview-box")))
    assert "мероприятий 17" in box.text, box.text
    assert not os.path.exists(os.path.join(work, "imported.toml")), "a preview writes nothing"
    name = driver.find_element(By.ID, "import-name")
    name.clear()
    name.send_keys("imported")
    driver.save_screenshot(os.path.join(outdir, "serve-import.png"))
    driver.find_element(By.ID, "import-create").click()
    wait.until(lambda d: d.current_url.endswith("/reports/imported"))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 17)
    # The next quarter, as otchet new makes it.
    driver.find_element(By.ID, "next-quarter").click()
    wait.until(lambda d: d.current_url.endswith("/reports/2021-q1"))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.department")) == 5)
    assert not driver.find_elements(By.CSS_SELECTOR, "#table tr.event")
    # An event, saved; then changed and saved again.
    driver.find_elements(By.CSS_SELECTOR, "#table tr.department")[0].click()
    wait.until(EC.element_to_be_clickable((By.XPATH, "//aside//button[text()='+ Мероприятие']"))).click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 1)
    title_path = driver.find_element(By.CSS_SELECTOR, "aside [data-path$='/title']").get_attribute("data-path")
    prefix = title_path.rsplit("/", 1)[0]
    field(title_path).send_keys("Совещание по обмену опытом")
    driver.find_elements(By.CSS_SELECTOR, "aside input[type=radio]")[0].click()
    for key, text in [("place", "г. Смоленск"), ("participants", "Представители двух областей"), ("result", "Подписан протокол")]:
        field(f"{prefix}/{key}").send_keys(text)
    field(f"{prefix}/dates").send_keys("январь")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".problem.error"))
    driver.find_element(By.ID, "save").click()
    wait.until(lambda d: d.find_element(By.ID, "status").text == "Сохранено")
    old_text = open(os.path.join(work, "2021-q1.toml"), encoding="utf-8").read()
    t = field(title_path)
    t.clear()
    t.send_keys("Совещание по обмену опытом работы служб занятости")
    wait.until(lambda d: not d.find_element(By.ID, "save").get_attribute("disabled"))
    driver.find_element(By.ID, "save").click()
    wait.until(lambda d: d.find_element(By.ID, "status").text == "Сохранено")
    # The versions: the newest is the first save; its corrections DOCX.
    driver.find_element(By.ID, "versions").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".version")) == 2)
    newest = driver.find_elements(By.CSS_SELECTOR, ".version")[0]
    newest.find_element(By.CSS_SELECTOR, ".show-changes").click()
    wait.until(lambda d: "изменено" in newest.text)
    driver.save_screenshot(os.path.join(outdir, "serve-versions.png"))
    changes = fetch_bytes("/api/reports/2021-q1/versions/" + newest.get_attribute("data-version") + ".docx")
    kept = os.path.join(work, ".otchet", "versions", "2021-q1", newest.get_attribute("data-version") + ".toml")
    assert open(kept, encoding="utf-8").read() == old_text, "the version is the first save"
    cli = os.path.join(docs, "cli-changes.docx")
    subprocess.run([binary, "diff", kept, os.path.join(work, "2021-q1.toml"), "-o", cli], check=True, capture_output=True)
    assert changes == open(cli, "rb").read(), "the corrections DOCX is not otchet diff's"
    plain = {}
    for label, src in [("new", os.path.join(work, "2021-q1.toml")), ("old", kept)]:
        d = tempfile.mkdtemp()
        subprocess.run([binary, "render", src, "--format", "docx", "-o", d], check=True, capture_output=True)
        plain[label] = docx_words(open(os.path.join(d, os.listdir(d)[0]), "rb").read())
    assert plain["new"] != plain["old"], "the two versions differ"
    assert docx_words(changes, accept=True) == plain["new"], "accepting every change is not the new report"
    assert docx_words(changes, accept=False) == plain["old"], "rejecting every change is not the old report"
    print("browser workflow: reference DOCX imported (preview, then a new report), next quarter started, "
          "event added and changed; the corrections DOCX = otchet diff's; accept all = new, reject all = old")
finally:
    driver.quit()
    server.kill()
