#!/usr/bin/env python3
"""The page as a clerk meets it, in Chromium: one edit-save cycle by
keyboard alone; an accessibility check (axe-core, WCAG 2.1 A and AA) of
every view; the report at 1024x768 and at 200 % zoom with no word broken
inside its letters; the traps of issue 34 (an import's target, a made-up
agreement). Usage: clerk_page.py OTCHET_BINARY REFERENCE.toml AXE.min.js
OUTDIR (screenshots into OUTDIR)."""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chrome import axe_violations, browser, local_server  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# Rows are redrawn as the page's checks answer: a row found a moment ago
# may be gone; waits look again.
STALE = [StaleElementReferenceException]

binary, reference, axe_path, outdir = sys.argv[1:5]
os.makedirs(outdir, exist_ok=True)
AXE = open(axe_path, encoding="utf-8").read()
server, work, url, base = local_server(binary, {"2020-q4.toml": reference})
failures = []


def axe(driver, view):
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now."""
    result = axe_violations(driver, AXE)
    for v in result:
        failures.append(f"{view}: {v}")
    return len(result)


# Words broken inside their letters: a word whose characters lie on two
# lines, the break not after a hyphen.
SPLIT_WORDS = """
const out = [];
const roots = document.querySelectorAll(arguments[0]);
const walker = (root) => document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
for (const root of roots) {
  const w = walker(root);
  let node, seen = 0;
  while ((node = w.nextNode()) && seen < 4000) {
    const text = node.nodeValue;
    const re = /[^\\s]+/g; let m;
    while ((m = re.exec(text))) {
      seen++;
      if (m[0].length < 2) continue;
      const r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const rects = Array.from(r.getClientRects()).filter(x => x.width > 0);
      if (rects.length < 2) continue;
      // Where the line changes: the character before must be a hyphen.
      let prevTop = null;
      for (let i = 0; i < m[0].length; i++) {
        const c = document.createRange(); c.setStart(node, m.index + i); c.setEnd(node, m.index + i + 1);
        const cr = c.getClientRects()[0]; if (!cr) continue;
        if (prevTop !== null && Math.abs(cr.top - prevTop) > 2 && !/[-‐‑–—\\/\\u00ad]/.test(m[0][i - 1])) { out.push(m[0]); break; }
        prevTop = cr.top;
      }
    }
  }
}
return out;
"""


def split_words(driver, view, where="#table, .bar, .tools, #editor, .list"):
    words = driver.execute_script(SPLIT_WORDS, where)
    if words:
        failures.append(f"{view}: words broken inside their letters: {words[:10]}")
    return len(words)


def report_page(driver):
    driver.get(url)
    WebDriverWait(driver, 20, ignored_exceptions=STALE).until(lambda d: d.find_elements(By.LINK_TEXT, "IV квартал 2020 года"))
    driver.get(base + "/reports/2020-q4")
    WebDriverWait(driver, 20, ignored_exceptions=STALE).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 17)


try:
    # ---- every view at 1440x900: axe-core.
    driver = browser(1440, 900)
    wait = WebDriverWait(driver, 20, ignored_exceptions=STALE)
    driver.get(url)
    wait.until(lambda d: d.find_elements(By.LINK_TEXT, "IV квартал 2020 года"))
    views = {"list": axe(driver, "list")}
    driver.save_screenshot(os.path.join(outdir, "clerk-list-1440.png"))
    report_page(driver)
    views["report"] = axe(driver, "report")
    for name, button in [("registry", "edit-registry"), ("period", "edit-report"), ("versions", "versions")]:
        driver.find_element(By.ID, button).click()
        time.sleep(0.5)
        views[name] = axe(driver, name)
    driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[3].click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#editor [data-path$='/title']"))
    views["event"] = axe(driver, "event editor")
    driver.save_screenshot(os.path.join(outdir, "clerk-event-1440.png"))
    driver.find_elements(By.CSS_SELECTOR, "#table tr.department")[1].click()
    time.sleep(0.3)
    views["department"] = axe(driver, "department editor")
    driver.save_screenshot(os.path.join(outdir, "clerk-department-1440.png"))
    # An event with errors shown (a new one, its title left empty).
    driver.find_element(By.XPATH, "//aside//button[text()='+ Мероприятие']").click()
    title = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#editor [data-path$='/title']"))
    title.click()
    title.send_keys(Keys.TAB)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#editor .field.invalid"))
    time.sleep(0.5)
    views["errors"] = axe(driver, "event with errors")
    driver.save_screenshot(os.path.join(outdir, "clerk-errors-1440.png"))
    # The row clicked stays where it was when the editor opens.
    row = driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[9]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    y0 = row.rect["y"] - driver.execute_script("return window.scrollY")
    row.click()
    time.sleep(0.3)
    row = driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[9]
    y1 = row.rect["y"] - driver.execute_script("return window.scrollY")
    if abs(y1 - y0) > 2:
        failures.append(f"row 10 moved from y={y0:.0f} to y={y1:.0f} when the editor opened")
    driver.quit()
    print("axe-core (WCAG 2.1 A/AA) violations per view: " + ", ".join(f"{k} {v}" for k, v in views.items()))

    # ---- 1024x768 and 200 % zoom: nothing broken inside a word.
    for label, size, scale in [("1024x768", (1024, 768), 1), ("200pct", (1440, 900), 2)]:
        driver = browser(*size, scale=scale)
        report_page(driver)
        n = split_words(driver, label)
        driver.save_screenshot(os.path.join(outdir, f"clerk-report-{label}.png"))
        driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[0].click()
        WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#editor [data-path$='/title']"))
        n += split_words(driver, label + " editor", "#editor")
        # The editor over the table leaves the bar (save, documents) in reach.
        covered = driver.execute_script("""
            return ['save', 'undo', 'docx', 'pdf'].filter(id => {
              const b = document.getElementById(id).getBoundingClientRect();
              const at = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
              return !at || !document.getElementById(id).contains(at);
            });""")
        if covered:
            failures.append(f"{label}: the editor covers {covered}")
        a = axe(driver, label + " editor")
        driver.save_screenshot(os.path.join(outdir, f"clerk-editor-{label}.png"))
        print(f"{label}: words broken inside letters {n}; axe violations with the editor open {a}")
        driver.quit()

    # ---- one edit-save cycle by keyboard alone.
    driver = browser(1440, 900)
    report_page(driver)
    keys = ActionChains(driver)

    def active():
        return driver.switch_to.active_element

    for _ in range(40):
        keys.send_keys(Keys.TAB).perform()
        if active().get_attribute("data-row") == "e0-0":
            break
    assert active().get_attribute("data-row") == "e0-0", "Tab never reached the first event row"
    keys.send_keys(Keys.ENTER).perform()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#editor [data-path$='/title']"))
    for _ in range(60):
        if (active().get_attribute("data-path") or "").endswith("/title"):
            break
        keys.send_keys(Keys.TAB).perform()
    assert (active().get_attribute("data-path") or "").endswith("/title"), "Tab never reached the title field"
    keys.send_keys(Keys.END, " (набрано с клавиатуры)").perform()
    keys.send_keys(Keys.ESCAPE).perform()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: active().get_attribute("data-row") == "e0-0")
    for _ in range(60):
        if active().get_attribute("id") == "save":
            break
        keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert active().get_attribute("id") == "save", "Shift+Tab never reached «Сохранить»"
    keys.send_keys(Keys.ENTER).perform()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: d.find_element(By.ID, "status").text == "Сохранено")
    saved = open(os.path.join(work, "2020-q4.toml"), encoding="utf-8").read()
    assert "(набрано с клавиатуры)" in saved, "the keyboard edit is not in the file"
    print("keyboard: Tab to the first event, Enter opens it, the title typed, Escape back to the row, "
          "Shift+Tab to «Сохранить», Enter saves")

    # ---- undo, moving an event, the registry: unused agreements only
    # can be removed; no text on the page speaks the data file's words.
    driver.get(base + "/reports/2020-q4")
    WebDriverWait(driver, 20, ignored_exceptions=STALE).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#table tr.event")) == 17)
    first_title = driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[0].find_elements(By.TAG_NAME, "td")[2].text
    driver.find_elements(By.CSS_SELECTOR, "#table tr.event")[0].click()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: d.find_elements(By.ID, "move-to"))
    target_name = driver.find_element(By.CSS_SELECTOR, "#move-to option:checked").text
    driver.find_element(By.ID, "move-event").click()
    # The first department now has one event fewer; the event is the last
    # of the department it went to.
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#table tr.event")[0].find_elements(By.TAG_NAME, "td")[2].text != first_title)
    rows = driver.find_elements(By.CSS_SELECTOR, "#table tr")
    names = [r.text for r in rows]
    at = next(i for i, t in enumerate(names) if t == target_name)
    nxt = next((i for i in range(at + 1, len(rows)) if "department" in rows[i].get_attribute("class")), len(rows))
    assert first_title in rows[nxt - 1].text, "the moved event is not the last of its new department"
    # Undo: back to the data as loaded, and nothing more to undo.
    time.sleep(1.2)
    driver.find_element(By.ID, "undo").click()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#table tr.event")[0].find_elements(By.TAG_NAME, "td")[2].text == first_title)
    assert driver.find_element(By.ID, "undo").get_attribute("disabled") is not None, "more to undo than was done"
    # The registry: agreements used by events cannot be removed; a new,
    # unused one can.
    driver.find_element(By.ID, "edit-registry").click()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: d.find_elements(By.ID, "new-agreement-title"))
    assert not driver.find_elements(By.CSS_SELECTOR, "#editor .remove-agreement"), "a used agreement offered for removal"
    driver.find_element(By.ID, "new-agreement-title").send_keys("Соглашение между Смоленской и Тверской областями")
    driver.find_element(By.ID, "new-agreement-key").send_keys("smolensk-test")
    driver.find_element(By.XPATH, "//aside//button[text()='Добавить']").click()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#editor .remove-agreement")) == 1)
    driver.execute_script("window.confirm = () => true")
    driver.find_element(By.CSS_SELECTOR, "#editor .remove-agreement").click()
    WebDriverWait(driver, 10, ignored_exceptions=STALE).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#editor .remove-agreement"))
    # Every text the page shows (problems, fields, the editor): the page's words.
    shown = driver.execute_script("return document.body.innerText")
    for bad in [r"\[\[", r"(?<![\w-])--[a-z]", r"\b\d+:\d+\b", r"department\.event", r"/work/|/tmp/"]:
        if re.search(bad, shown):
            failures.append(f"the page shows «{re.search(bad, shown).group(0)}»")
    print("edits: an event moved to another department (last of it), undone; the registry offers removal of unused agreements only")

    # ---- traps: «Добавить в отчет» never defaults to a report of another
    # period; a row without agreement is not given a made-up one.
    docs = tempfile.mkdtemp()
    # A report of another period that lists first.
    q3 = open(reference, encoding="utf-8").read().replace("quarter = 4", "quarter = 3", 1)
    open(os.path.join(work, "2020-q3.toml"), "w", encoding="utf-8").write(q3)
    subprocess.run([binary, "render", os.path.join(work, "2020-q4.toml"), "--format", "docx", "-o", docs], check=True, capture_output=True)
    driver.get(base + "/")
    WebDriverWait(driver, 20, ignored_exceptions=STALE).until(lambda d: d.find_elements(By.ID, "import-files"))
    driver.find_element(By.ID, "import-files").send_keys(os.path.join(docs, "2020-q4.docx"))
    driver.find_element(By.ID, "import-preview").click()
    target = WebDriverWait(driver, 20, ignored_exceptions=STALE).until(lambda d: d.find_element(By.ID, "import-target"))
    chosen = target.get_attribute("value")
    assert chosen == "2020-q4", f"the import's target is «{chosen}», not the report of the documents' period"
    print("traps: the import's target is the report of the documents' period, not the list's first")
    driver.quit()
finally:
    server.kill()

if failures:
    sys.exit("clerk page:\n  " + "\n  ".join(failures))
