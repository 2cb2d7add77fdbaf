// otchet serve: the page. Every user text is put into the page as text
// (textContent, value), never as HTML. Numbering, merges and validation
// come from the server (the renderers' own table and the loader's own
// diagnostics); this script only shows them and edits the data.
"use strict";

const FIELDS = [
  ["title", "Наименование мероприятия"],
  ["dates", "Сроки проведения мероприятия"],
  ["place", "Место проведения мероприятия"],
  ["participants", "Участники мероприятия"],
  ["result", "Содержание и результат мероприятия"],
];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "className") e.className = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// The access key: taken from the address's fragment on the first visit
// (the server's redirect puts it there; a fragment is never sent to a
// server), kept in this page's own storage — which the browser keeps
// apart per port, unlike cookies — and sent with every request.
const TOKEN = (() => {
  const m = /(?:^#|&)token=([0-9a-f]+)/.exec(location.hash);
  if (m) {
    try { localStorage.setItem("otchet_token", m[1]); } catch (_) { }
    history.replaceState(null, "", location.pathname + location.search);
    return m[1];
  }
  try { return localStorage.getItem("otchet_token") || ""; } catch (_) { return ""; }
})();

function authHeaders() {
  return TOKEN ? { Authorization: "Bearer " + TOKEN } : {};
}

async function api(method, url, body) {
  const opts = { method, headers: authHeaders() };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(url, opts);
  if (r.status === 401 && !url.startsWith("/api/login")) { location.href = "/login"; }
  let json = null;
  try { json = await r.json(); } catch (_) { json = { error: "Ответ сервера не прочитан" }; }
  return { status: r.status, json };
}

function status(text, cls) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.className = cls || "";
  barHeight();
}

// ---------------------------------------------------------------- list

// A report as lists name it: its period (and the file's name only when
// there is no period to show, or two reports share one).
let REPORTS = [];
function reportLabel(r) {
  const p = periodLabel(r.year, r.quarter);
  if (!p) return "Отчет без периода (" + r.name + ")";
  const twins = REPORTS.filter(x => x.year === r.year && x.quarter === r.quarter).length > 1;
  return (p.charAt(0).toUpperCase() + p.slice(1)) + (twins ? " (" + r.name + ")" : "");
}
function labelOfName(name) {
  const r = REPORTS.find(x => x.name === name);
  return r ? reportLabel(r) : name;
}

async function indexPage() {
  status("Загрузка…");
  const { status: code, json } = await api("GET", "/api/reports");
  if (code !== 200) { status(json.error || "Ошибка", "bad"); return; }
  REPORTS = json.reports;
  const body = document.querySelector("#reports tbody");
  body.replaceChildren();
  for (const r of json.reports) {
    let check;
    if (r.errors > 0) {
      const e = r.first_error;
      check = el("span", { className: "bad" }, `ошибок: ${r.errors}`, e ? el("br") : null, e ? (e.text || e.message) : null);
    } else if (r.warnings > 0) check = el("span", { className: "warn" }, `предупреждений: ${r.warnings}`);
    else check = el("span", { className: "good" }, "в порядке");
    body.append(el("tr", {},
      el("td", {}, el("a", { href: "/reports/" + encodeURIComponent(r.name) }, reportLabel(r))),
      el("td", {}, r.region || "—"),
      el("td", {}, r.events === null ? "—" : r.events),
      el("td", {}, check)));
  }
  status(json.reports.length ? "" : "Отчетов пока нет: перенесите их из Word (ниже) или попросите того, кто ведет папку, положить в нее отчет.");
  if (role() !== "coordinator") {
    document.getElementById("import-step").hidden = true;
  }
  workflow(json.reports);
  if (ME) await officeIndex(json.reports);
}

// The office's list page: what waits for whom. The coordinator sees the
// sections handed in and manages users and reads the log; a department
// sees its section's status and the coordinator's remark.
async function officeIndex(reports) {
  const box = document.getElementById("office");
  box.hidden = false;
  const items = [];
  for (const r of reports) {
    const { status: code, json } = await api("GET", "/api/reports/" + encodeURIComponent(r.name) + "/status");
    if (code !== 200) continue;
    for (const d of json.departments) items.push({ report: r.name, period: reportLabel(r), ...d });
  }
  const link = i => el("a", { href: "/reports/" + encodeURIComponent(i.report) }, i.period);
  if (role() === "coordinator") {
    const waiting = items.filter(i => i.status === "submitted");
    box.replaceChildren(el("h2", {}, "Ждут проверки"),
      waiting.length ? el("ul", { className: "notices" }, ...waiting.map(i => el("li", {}, link(i), ": «" + i.department + "» сдан" + (i.at ? " " + new Date(i.at).toLocaleString("ru-RU") : ""))))
        : el("p", { className: "hint" }, "Новых сданных разделов нет."));
    const late = items.filter(i => i.overdue);
    if (late.length) box.append(el("h2", {}, "Срок прошел"), el("ul", { className: "notices" }, ...late.map(i => el("li", {}, link(i), ": «" + i.department + "» — " + i.label))));
    await usersPanel();
    await auditPanel();
  } else if (role() === "department") {
    const mine = items.filter(i => ownSection(i.department));
    box.replaceChildren(el("h2", {}, "Мой раздел"),
      mine.length ? el("ul", { className: "notices" }, ...mine.map(i => el("li", {}, link(i), ": ", el("strong", { className: "status-" + i.status }, i.label),
        i.status === "returned" && i.remark ? el("div", { className: "remark", role: "alert" }, "Замечание координатора: " + i.remark) : "")))
        : el("p", { className: "hint" }, "Разделов вашего департамента в отчетах нет."));
  } else {
    box.replaceChildren(el("h2", {}, "Разделы"), el("ul", { className: "notices" }, ...items.map(i => el("li", {}, link(i), ": «" + i.department + "» — " + i.label))));
  }
}

async function usersPanel() {
  const box = document.getElementById("users-step");
  box.hidden = false;
  const { status: code, json } = await api("GET", "/api/users");
  if (code !== 200) { box.replaceChildren(el("p", { className: "bad" }, json.error || "Ошибка")); return; }
  const roles = { coordinator: "координатор", department: "департамент", reader: "читатель" };
  const result = el("div", { "aria-live": "polite" });
  const shown = (login, password) => result.replaceChildren(el("p", { className: "good" }, "Пароль пользователя " + login + " (показан один раз — передайте его лично): ", el("code", {}, password)));
  const rows = json.users.map(u => el("tr", {},
    el("td", {}, u.login), el("td", {}, u.name), el("td", {}, roles[u.role] || u.role), el("td", {}, u.department || "—"),
    el("td", { className: "actions" },
      el("button", { type: "button", onclick: async () => {
        const { status: c, json: j } = await api("POST", "/api/users/" + encodeURIComponent(u.login) + "/password", {});
        if (c === 200) shown(j.login, j.password); else result.replaceChildren(el("p", { className: "bad" }, j.error));
      } }, "Новый пароль"),
      el("button", { type: "button", className: "danger", onclick: async () => {
        if (!confirm("Удалить пользователя " + u.login + "?")) return;
        const { status: c, json: j } = await api("DELETE", "/api/users/" + encodeURIComponent(u.login));
        if (c === 200) usersPanel(); else result.replaceChildren(el("p", { className: "bad" }, j.error));
      } }, "Удалить"))));
  const login = el("input", { type: "text", id: "new-login", autocapitalize: "none", spellcheck: "false" });
  const name = el("input", { type: "text", id: "new-name" });
  const roleSel = el("select", { id: "new-role" }, ...Object.entries(roles).map(([v, t]) => el("option", { value: v }, t)));
  const dept = el("input", { type: "text", id: "new-department" });
  const add = el("button", { type: "button", onclick: async () => {
    const { status: c, json: j } = await api("POST", "/api/users", { login: login.value.trim(), name: name.value.trim(), role: roleSel.value, department: dept.value.trim() });
    if (c !== 200) { result.replaceChildren(el("p", { className: "bad" }, j.error || "Ошибка")); return; }
    await usersPanel();
    shown(j.login, j.password);
  } }, "Добавить пользователя");
  box.replaceChildren(el("h2", {}, "Пользователи"),
    el("table", { className: "reports" }, el("thead", {}, el("tr", {}, ...["Имя входа", "Имя", "Роль", "Департамент", ""].map(h => el("th", {}, h)))), el("tbody", {}, ...rows)),
    el("div", { className: "row add-user" },
      el("label", { for: "new-login" }, "Имя входа"), login, el("label", { for: "new-name" }, "Ф. И. О."), name,
      el("label", { for: "new-role" }, "Роль"), roleSel, el("label", { for: "new-department" }, "Департамент (как в отчетах)"), dept, add),
    result);
}

async function auditPanel() {
  const box = document.getElementById("audit-step");
  box.hidden = false;
  const { status: code, json } = await api("GET", "/api/audit?limit=100");
  if (code !== 200) { box.replaceChildren(el("p", { className: "bad" }, json.error || "Ошибка")); return; }
  const names = { login: "вход", "login-failed": "неудачный вход", "login-throttled": "вход заблокирован", logout: "выход", save: "сохранение",
    restore: "восстановление версии", import: "перенос из Word", next: "следующий квартал", "archive-restore": "данные из архива",
    status: "статус раздела", "user-add": "новый пользователь", "user-remove": "пользователь удален", "user-password": "смена пароля" };
  box.replaceChildren(el("h2", {}, "Журнал действий"),
    el("table", { className: "reports audit" },
      el("thead", {}, el("tr", {}, ...["Время", "Кто", "Откуда", "Действие", "Отчет", "Департамент", "Что"].map(h => el("th", {}, h)))),
      el("tbody", {}, ...json.entries.map(e => el("tr", {},
        el("td", {}, new Date(e.time).toLocaleString("ru-RU")), el("td", {}, e.user || "—"), el("td", {}, e.address || "—"),
        el("td", {}, names[e.action] || e.action), el("td", {}, e.report || "—"), el("td", {}, e.department || "—"), el("td", {}, e.detail))))));
}

// ------------------------------------------------------ quarter's work

/// A long request: a progress bar and a note while it runs; the rest of
/// the page stays usable.
async function busy(box, text, work) {
  const note = el("div", { className: "busy", role: "status" }, el("progress"), text);
  box.replaceChildren(note);
  try { return await work(); } finally { note.remove(); }
}

function messages(list) {
  if (!list || !list.length) return null;
  return el("ul", { className: "messages" }, list.map(m => el("li", { className: m.severity },
    (m.file ? labelOfName(m.file) + ": " : "") + (m.text || m.message) + ((m.advice || m.hint) ? " — " + (m.advice || m.hint) : ""))));
}

function fileBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ""));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/// Downloads the answer of a GET as a file, or shows its error.
async function download(url, box, fallbackName, show) {
  // A window opened now, while the click still counts, takes the PDF later.
  const win = show ? window.open("", "_blank") : null;
  const r = await fetch(url, { headers: authHeaders() });
  if (!r.ok) {
    if (win) win.close();
    let j = {}; try { j = await r.json(); } catch (_) { }
    box.replaceChildren(el("p", { className: "bad" }, j.error || "Ошибка"), messages(j.diagnostics));
    return false;
  }
  const blob = await r.blob();
  if (win) { win.location.href = URL.createObjectURL(blob); return true; }
  const cd = r.headers.get("Content-Disposition") || "";
  const m = /filename\*=UTF-8''([^;]+)/.exec(cd);
  const a = el("a", { href: URL.createObjectURL(blob), download: m ? decodeURIComponent(m[1]) : fallbackName });
  document.body.append(a); a.click(); a.remove();
  return true;
}

/// A document of the report page's; what went wrong in the banner.
function downloadShown(url, name, show) {
  const box = document.getElementById("banner");
  download(url, box, name, show).then(ok => { if (!ok) box.hidden = false; });
}

function workflow(reports) {
  const registry = document.getElementById("import-registry");
  registry.replaceChildren(el("option", { value: "" }, "— не брать —"));
  for (const r of reports) registry.append(el("option", { value: r.name }, reportLabel(r)));
  const quarters = document.getElementById("annual-quarters");
  quarters.replaceChildren();
  for (const r of reports.filter(r => r.quarter)) {
    quarters.append(el("label", {}, el("input", { type: "checkbox", value: r.name }), " " + reportLabel(r)));
  }
  const importBox = document.getElementById("import-result");
  const picker = document.getElementById("import-files");
  picker.onchange = () => {
    const n = picker.files.length;
    document.getElementById("import-chosen").textContent =
      n ? Array.from(picker.files).map(f => f.name).join(", ") : "документы не выбраны";
  };
  let files = null;
  document.getElementById("import-preview").onclick = async () => {
    const chosen = Array.from(document.getElementById("import-files").files);
    if (!chosen.length) { importBox.replaceChildren(el("p", { className: "bad" }, "Выберите документы .docx")); return; }
    files = await Promise.all(chosen.map(async f => ({ name: f.name, content: await fileBase64(f) })));
    const body = { files, registry: registry.value || undefined };
    const { status: code, json } = await busy(importBox, "Идет чтение документов…", () => api("POST", "/api/import/preview", body));
    if (code !== 200) { importBox.replaceChildren(el("p", { className: "bad" }, json.error || "Ошибка"), messages(json.diagnostics)); return; }
    const name = el("input", { type: "text", id: "import-name", value: json.suggested });
    // Into an existing report: the user picks it; preselected only when
    // exactly one report has the documents' period (never just the first).
    const same = reports.filter(r => "за " + periodLabel(r.year, r.quarter) === json.period);
    const target = el("select", { id: "import-target" }, el("option", { value: "" }, "— выберите отчет —"),
      reports.map(r => el("option", { value: r.name, selected: same.length === 1 && same[0] === r }, reportLabel(r))));
    const result = el("div");
    // Writes the import (as a new report or into one), then opens it.
    const write = async where => {
      const { status: c, json: j } = await busy(result, "Запись…", () => api("POST", "/api/import", { ...body, ...where }));
      if (c !== 200) { result.replaceChildren(el("p", { className: "bad" }, j.error || "Ошибка")); return; }
      location.href = "/reports/" + encodeURIComponent(j.name);
    };
    const create = el("button", { type: "button", id: "import-create", onclick: () => write({ new: name.value }) }, "Создать новый отчет");
    const add = el("button", { type: "button", id: "import-add", onclick: async () => {
      if (!target.value) { result.replaceChildren(el("p", { className: "bad" }, "Выберите отчет, в который добавить мероприятия.")); return; }
      const v = await api("GET", "/api/reports/" + encodeURIComponent(target.value) + "/data");
      await write({ add: target.value, version: v.json.version });
    } }, "Добавить в отчет");
    const rows = [];
    let dept = null;
    for (const e of json.events) {
      if (e.department !== dept) { dept = e.department; rows.push(el("tr", { className: "dep" }, el("td", { colspan: 4 }, dept))); }
      rows.push(el("tr", {}, el("td", {}, e.number + "."), el("td", {}, e.agreement), el("td", {}, e.title), el("td", {}, e.dates)));
    }
    importBox.replaceChildren(el("div", { className: "preview", id: "import-preview-box" },
      el("p", {}, `Найдено: отчет ${json.period}; разделов ${json.departments}, мероприятий ${json.events.length}, соглашений ${json.agreements}; предупреждений ${json.warnings.length}.`),
      messages(json.warnings),
      el("table", { className: "reports" }, el("thead", {}, el("tr", {}, ["№", "Соглашение", "Мероприятие", "Сроки"].map(h => el("th", {}, h)))), el("tbody", {}, rows)),
      el("div", { className: "row" }, el("label", { className: "inline" }, "Краткое имя нового отчета (латиницей): ", name), create),
      reports.length ? el("div", { className: "row" }, el("label", { className: "inline" }, "или в отчет: ", target), add) : null,
      result));
  };
  const annualBox = document.getElementById("annual-result");
  const annual = ext => async () => {
    const names = Array.from(quarters.querySelectorAll("input:checked")).map(i => i.value);
    if (!names.length) { annualBox.replaceChildren(el("p", { className: "bad" }, "Отметьте файлы кварталов")); return; }
    const partial = document.getElementById("annual-partial").checked ? "&partial=1" : "";
    const url = `/api/annual.${ext}?names=${names.map(encodeURIComponent).join(",")}${partial}`;
    const checked = await busy(annualBox, "Проверка кварталов…", () => api("GET", `/api/annual.json?names=${names.map(encodeURIComponent).join(",")}${partial}`));
    if (checked.status !== 200) { annualBox.replaceChildren(el("p", { className: "bad" }, checked.json.error || "Ошибка"), messages(checked.json.diagnostics)); return; }
    const told = messages(checked.json.warnings);
    const ok = await busy(annualBox, "Идет сборка годового отчета…", () => download(url, annualBox, "annual." + ext));
    if (ok) annualBox.replaceChildren(el("p", { className: "good" }, "Годовой отчет " + checked.json.period + " сформирован" + (told ? "; предупреждения:" : "")), told);
  };
  document.getElementById("annual-docx").onclick = annual("docx");
  document.getElementById("annual-pdf").onclick = annual("pdf");
  archive();
}

async function archive() {
  const body = document.querySelector("#archive tbody");
  const box = document.getElementById("archive-result");
  const { status: code, json } = await api("GET", "/api/archive");
  if (code !== 200) { box.replaceChildren(el("p", { className: "bad" }, json.error || "Ошибка")); return; }
  body.replaceChildren();
  for (const p of json.pdfs) {
    const data = p.data || [];
    // An annual PDF carries each quarter: restore the one chosen, or all.
    const restoreData = async which => {
      const { status: c, json: j } = await api("POST", "/api/archive/restore", which ? { file: p.file, data: which } : { file: p.file });
      if (c !== 200) { box.replaceChildren(el("p", { className: "bad" }, j.error || "Ошибка")); return; }
      await indexPage();
      box.replaceChildren(el("p", { className: "good" }, "Данные восстановлены как новые отчеты: ",
        ...j.restored.map((x, i) => [i ? ", " : "", el("a", { href: "/reports/" + encodeURIComponent(x.name) }, labelOfName(x.name)), x.warning ? " (" + x.warning + ")" : ""])));
    };
    const restore = data.length && role() === "coordinator" ? el("div", { className: "actions" },
      data.length > 1 ? data.map(d => el("button", { type: "button", onclick: () => restoreData(d.name) }, "Восстановить: " + (d.period || d.name))) : null,
      el("button", { type: "button", className: "restore-all", onclick: () => restoreData(null) }, data.length > 1 ? "Восстановить все" : "Восстановить данные")) : null;
    body.append(el("tr", {},
      el("td", {}, p.file),
      el("td", {}, p.error ? el("span", { className: "bad" }, p.error) : (data.map(d => d.period).filter(Boolean).join(", ") || "—")),
      el("td", {}, p.pages === undefined ? "—" : p.pages),
      el("td", {}, p.error ? "—" : data.length ? data.map(d => (d.period || d.name) + (d.intact ? "" : " (изменены)")).join(", ") : "нет"),
      el("td", {}, restore)));
  }
  if (!json.pdfs.length) box.replaceChildren(el("p", { className: "hint" }, "PDF пока нет."));
}

// -------------------------------------------------------------- report

const S = {
  name: decodeURIComponent(location.pathname.replace(/^\/reports\//, "")),
  data: null, version: null, diagnostics: [], table: null,
  dirty: false, selected: null, editable: true, checkTimer: null, checkSeq: 0, header: null,
  // The rows on screen: [{ sig, row, el }] in table order (reused while
  // equal; `el` made when first attached).
  rendered: [], headerSig: "", attachJob: null,
  // Errors per row and per cell, as shown.
  bad: { rows: new Set(), cells: new Set() },
  // New events: the fields left so far (their errors show from then on).
  fresh: new WeakMap(),
  // Undo: earlier states of the data (JSON), the state as of the last
  // check, when the last change was made.
  undo: [], shadow: "", lastChange: 0,
};

const ROMAN = ["", "I", "II", "III", "IV"];
function periodLabel(year, quarter) {
  if (!year) return "";
  return quarter ? `${ROMAN[quarter] || quarter} квартал ${year} года` : `${year} год`;
}

// The signed-in user's rights (the office server); the local mode has no
// accounts and every right. The server checks every request itself: the
// page only leaves out what would be refused.
let ME = null;
function role() { return ME ? ME.role : "coordinator"; }
function norm(s) { return String(s || "").toLowerCase().replace(/\s+/g, " ").trim(); }
function ownSection(name) { return !!(ME && ME.department && norm(ME.department) === norm(name)); }
function mayEditSection(d) {
  if (role() === "coordinator") return true;
  if (role() === "department") return !!depts()[d] && ownSection(depts()[d].name);
  return false;
}
function mayEditSelection(sel) {
  if (!sel) return false;
  if (sel.kind === "event" || sel.kind === "department") return mayEditSection(sel.d);
  if (sel.kind === "versions") return true;
  return role() === "coordinator";
}

function depts() {
  if (!Array.isArray(S.data.department)) S.data.department = [];
  return S.data.department;
}
function events(d) {
  const dep = depts()[d];
  if (!Array.isArray(dep.event)) dep.event = [];
  return dep.event;
}

// A diagnostic's place: department, event, field.
function placeOf(path) {
  const m = /^\/department\/(\d+)(?:\/event\/(\d+)(?:\/([a-z]+))?)?/.exec(path || "");
  return m ? { d: +m[1], e: m[2] === undefined ? null : +m[2], f: m[3] || null } : null;
}

// A new event starts clean: a field's errors show once it has been left,
// or after a save.
function shown(diag) {
  const p = placeOf(diag.path);
  if (!p || p.e === null || !p.f) return true;
  const dep = depts()[p.d];
  const ev = dep && Array.isArray(dep.event) ? dep.event[p.e] : null;
  const left = ev ? S.fresh.get(ev) : null;
  return !left || left.has(p.f);
}
function visibleDiagnostics() { return S.diagnostics.filter(shown); }

function diagsAt(prefix) {
  return S.diagnostics.filter(d => d.path && (d.path === prefix || d.path.startsWith(prefix + "/")) && shown(d));
}

async function reportPage() {
  document.getElementById("file").textContent = "";
  document.title = "Отчет — otchet";
  const base = "/api/reports/" + encodeURIComponent(S.name);
  document.getElementById("docx").href = base + "/docx";
  document.getElementById("pdf").href = base + "/pdf";
  for (const id of ["docx", "pdf"]) {
    document.getElementById(id).addEventListener("click", ev => {
      ev.preventDefault();
      if (S.dirty) { banner("Сначала сохраните правки: документы формируются из сохраненного отчета."); return; }
      if (S.diagnostics.some(d => d.severity === "error")) { banner("Документы не формируются, пока в отчете есть ошибки: исправьте их (список над таблицей)."); return; }
      downloadShown(base + "/" + id, S.name + "." + id, id === "pdf");
    });
  }
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("undo").addEventListener("click", undo);
  document.getElementById("add-department").addEventListener("click", addDepartment);
  document.getElementById("edit-registry").addEventListener("click", () => select({ kind: "registry" }));
  document.getElementById("edit-report").addEventListener("click", () => select({ kind: "report" }));
  document.getElementById("versions").addEventListener("click", () => select({ kind: "versions" }));
  document.getElementById("forms").addEventListener("click", () => {
    if (S.dirty) { banner("Сначала сохраните правки: формы делаются из сохраненного отчета."); return; }
    downloadShown(base + "/forms.zip", "формы.zip");
  });
  document.getElementById("next-quarter").addEventListener("click", nextQuarter);
  window.addEventListener("beforeunload", ev => { if (S.dirty) { ev.preventDefault(); ev.returnValue = ""; } });
  if (role() !== "coordinator") {
    for (const id of ["add-department", "edit-report", "next-quarter", "forms"]) document.getElementById(id).hidden = true;
  }
  if (role() === "reader") { document.getElementById("save").hidden = true; document.getElementById("undo").hidden = true; }
  await reload();
  // Ready when the table is drawn: after the next frame's layout.
  requestAnimationFrame(() => setTimeout(() => performance.mark("otchet-ready"), 0));
  if (ME) await renderSections();
  // A department starts at its own section.
  if (role() === "department" && S.data) {
    const d = depts().findIndex(x => ownSection(x.name));
    const row = d >= 0 ? document.querySelector(`#table tr[data-row="d${d}"]`) : null;
    if (row) { row.scrollIntoView({ block: "start" }); row.focus({ preventScroll: true }); }
  }
}

// ------------------------------------------------- sections (office)

async function setStatus(department, status, remark) {
  const body = { department, status };
  if (remark) body.remark = remark;
  const { status: code, json } = await api("POST", "/api/reports/" + encodeURIComponent(S.name) + "/status", body);
  if (code !== 200) { banner(json.error || "Статус не изменен"); return false; }
  banner("Статус раздела: " + json.label + ".", true);
  await renderSections();
  return true;
}

// The departments' sections: a department sees its own status (and the
// coordinator's remark) and hands its section in; the coordinator sees
// every section and accepts or returns it.
async function renderSections() {
  const box = document.getElementById("sections");
  const { status: code, json } = await api("GET", "/api/reports/" + encodeURIComponent(S.name) + "/status");
  if (code !== 200) { box.hidden = true; return; }
  box.hidden = false;
  box.replaceChildren(el("h2", {}, "Разделы департаментов" + (json.due ? " — срок сдачи " + new Date(json.due).toLocaleDateString("ru-RU") : "")));
  const when = t => t ? new Date(t).toLocaleString("ru-RU") : "";
  if (role() === "department") {
    const mine = json.departments.find(d => ownSection(d.department));
    if (!mine) { box.append(el("p", { className: "bad" }, "В этом отчете нет раздела вашего департамента: его добавляет координатор.")); return; }
    const parts = [el("p", {}, "Ваш раздел «" + mine.department + "»: ", el("strong", { className: "status-" + mine.status }, mine.label),
      mine.at ? " (" + mine.by + ", " + when(mine.at) + ")" : "")];
    if (mine.status === "returned" && mine.remark) parts.push(el("p", { className: "remark", role: "alert" }, "Замечание координатора: " + mine.remark));
    if (mine.status === "draft" || mine.status === "returned") {
      parts.push(el("button", { type: "button", id: "submit-section", onclick: async () => {
        if (S.dirty) { banner("Сначала сохраните правки."); return; }
        await setStatus(mine.department, "submitted");
      } }, "Сдать на проверку"));
    } else parts.push(el("p", { className: "note" }, mine.status === "accepted"
      ? "Раздел принят. Если нужно что-то изменить, попросите координатора открыть его снова."
      : "Раздел на проверке у координатора: менять его пока нельзя."));
    box.append(...parts);
    return;
  }
  const rows = json.departments.map(d => {
    const actions = [];
    if (role() === "coordinator") {
      const remark = el("input", { type: "text", className: "remark-input", "aria-label": "Замечание для «" + d.department + "»", placeholder: "что исправить" });
      if (d.status === "submitted") {
        actions.push(el("button", { type: "button", className: "accept", onclick: () => setStatus(d.department, "accepted") }, "Принять"));
      }
      if (d.status === "submitted" || d.status === "accepted") {
        actions.push(remark, el("button", { type: "button", className: "return", onclick: () => {
          if (!remark.value.trim()) { banner("Напишите замечание: что исправить в разделе."); remark.focus(); return; }
          setStatus(d.department, "returned", remark.value.trim());
        } }, "Вернуть на доработку"));
      }
      if (d.status === "accepted") actions.push(el("button", { type: "button", onclick: () => setStatus(d.department, "draft") }, "Открыть снова"));
    }
    const last = d.last_change ? d.last_change.by + ", " + when(d.last_change.at) : "—";
    return el("tr", { className: d.overdue ? "overdue" : "" },
      el("td", {}, d.department),
      el("td", {}, el("strong", { className: "status-" + d.status }, d.label), d.overdue ? el("span", { className: "bad" }, " — срок прошел") : "",
        d.remark && d.status === "returned" ? el("div", { className: "note" }, "Замечание: " + d.remark) : ""),
      el("td", {}, String(d.events)),
      el("td", {}, d.errors ? el("span", { className: "bad" }, String(d.errors)) : "0"),
      el("td", {}, last),
      el("td", { className: "actions" }, ...actions));
  });
  const open = json.departments.filter(d => d.status !== "accepted").length;
  if (open) box.append(el("p", { className: "note" }, `Не приняты разделы: ${open} из ${json.departments.length}. Документы формируются, но отчет еще не согласован.`));
  box.append(el("table", { className: "reports sections-table" },
    el("thead", {}, el("tr", {}, ...["Департамент", "Статус", "Мероприятий", "Ошибок", "Последнее изменение", ""].map(h => el("th", {}, h)))),
    el("tbody", {}, ...rows)));
}

async function reload() {
  status("Загрузка…");
  const { status: code, json } = await api("GET", "/api/reports/" + encodeURIComponent(S.name) + "/data");
  if (code !== 200) { status(json.error || "Ошибка", "bad"); return; }
  S.data = json.data; S.version = json.version; S.diagnostics = json.diagnostics; S.table = json.table;
  S.editable = json.editable; S.dirty = false;
  S.undo = []; S.shadow = JSON.stringify(S.data); S.fresh = new WeakMap();
  document.getElementById("save").disabled = true;
  updateUndo();
  if (!S.editable) {
    banner("Файл отчета поврежден и не читается — страница его не меняет. Обратитесь к тому, кто ведет папку отчетов.");
    for (const id of ["add-department", "edit-registry", "edit-report"]) document.getElementById(id).disabled = true;
  }
  const r = (S.data && S.data.report) || {};
  const period = periodLabel(r.year, r.quarter);
  document.getElementById("file").textContent = period ? "Отчет за " + period + (r.region ? " — " + r.region : "") : S.name;
  document.title = (period ? "Отчет за " + period : S.name) + " — otchet";
  render();
  status("");
}

function banner(text, ok) {
  const b = document.getElementById("banner");
  b.textContent = text;
  b.className = ok ? "banner ok" : "banner";
  b.hidden = !text;
}

// Every edit: the page's data changed. Edits close together are undone
// together; the check runs once typing pauses.
function changed(now) {
  const t = Date.now();
  if (t - S.lastChange > 1000 && S.shadow) { S.undo.push(S.shadow); if (S.undo.length > 200) S.undo.shift(); }
  S.lastChange = t;
  S.dirty = true;
  document.getElementById("save").disabled = false;
  updateUndo();
  status("Есть несохраненные правки");
  clearTimeout(S.checkTimer);
  S.checkTimer = setTimeout(check, now ? 0 : 250);
}

function updateUndo() {
  const u = document.getElementById("undo");
  if (u) u.disabled = S.undo.length === 0;
}

// Back to the data as it was before the last group of edits.
function undo() {
  if (!S.undo.length) return;
  clearTimeout(S.checkTimer);
  const text = S.undo.pop();
  S.data = JSON.parse(text);
  S.shadow = text;
  S.lastChange = 0;
  S.fresh = new WeakMap();
  S.dirty = true;
  document.getElementById("save").disabled = false;
  updateUndo();
  status("Правка отменена; изменения не сохранены");
  const sel = S.selected;
  if (sel && (sel.kind === "event" ? !(depts()[sel.d] && events(sel.d)[sel.e]) : sel.kind === "department" ? !depts()[sel.d] : false)) S.selected = null;
  renderEditor();
  check();
}

async function check() {
  const seq = ++S.checkSeq;
  S.shadow = JSON.stringify(S.data);
  const { status: code, json } = await api("POST", "/api/check", { name: S.name, data: S.data });
  if (seq !== S.checkSeq) return; // a newer check is on its way
  if (code !== 200) { banner(json.error || "Проверка не удалась"); return; }
  S.diagnostics = json.diagnostics;
  S.table = json.table || null;
  renderTable(); renderProblems(); markFields();
}

async function save() {
  clearTimeout(S.checkTimer);
  S.checkSeq++; // an answer to an earlier check is older than the save's
  status("Сохранение…");
  const { status: code, json } = await api("PUT", "/api/reports/" + encodeURIComponent(S.name), { data: S.data, version: S.version });
  if (code === 409) {
    banner(json.error);
    status("Не сохранено", "bad");
    return;
  }
  if (code !== 200) { banner(json.error || "Не сохранено"); status("Не сохранено", "bad"); return; }
  S.version = json.version; S.diagnostics = json.diagnostics; S.table = json.table; S.dirty = false;
  // After a save every field shows its errors.
  S.fresh = new WeakMap();
  document.getElementById("save").disabled = true;
  const errors = S.diagnostics.filter(d => d.severity === "error").length;
  banner(errors ? `Сохранено как черновик: ошибок ${errors}. Документы сформируются, когда ошибки будут исправлены.` : "Сохранено.", !errors);
  status("Сохранено", "good");
  renderTable(); renderProblems(); markFields();
}

function render() {
  renderTable(); renderProblems(); renderEditor();
}

function renderTitle() {
  const t = document.getElementById("title");
  t.textContent = S.table ? S.table.title.join("\n") : (S.data && S.data.report && S.data.report.title) || "";
}

// The errors and warnings above the table: the first few, the rest
// behind «Показать все» (so they never push the table off the screen).
function renderProblems() {
  const box = document.getElementById("problems");
  const list = visibleDiagnostics().sort((a, b) => (a.severity === "error" ? 0 : 1) - (b.severity === "error" ? 0 : 1));
  const errors = list.filter(d => d.severity === "error").length;
  const open = box.classList.contains("open");
  box.replaceChildren();
  if (!list.length) return;
  box.append(el("p", { className: "problems-head" }, `Ошибок: ${errors}, предупреждений: ${list.length - errors}. Нажмите на строку, чтобы перейти к месту.`));
  const FEW = 3;
  list.slice(0, open ? list.length : FEW).forEach(d => {
    const kind = d.severity === "error" ? "Ошибка" : "Предупреждение";
    box.append(el("button", {
      type: "button", className: "problem " + d.severity,
      onclick: () => goTo(d.path),
    }, `${kind}: ${d.text || d.message}`, (d.advice || d.hint) ? ` — ${d.advice || d.hint}` : ""));
  });
  if (list.length > FEW) {
    box.append(el("button", { type: "button", className: "more", "aria-expanded": open ? "true" : "false", onclick: () => {
      box.classList.toggle("open"); renderProblems();
      const m = box.querySelector("button.more"); if (m) m.focus();
    } }, open ? "Свернуть список" : `Показать все (${list.length})`));
  }
}

function goTo(path) {
  if (!path) return;
  const p = placeOf(path);
  if (p && p.e !== null) select({ kind: "event", d: p.d, e: p.e });
  else if (p) select({ kind: "department", d: p.d });
  else if (path.startsWith("/agreements")) select({ kind: "registry" });
  else if (path.startsWith("/report")) select({ kind: "report" });
  const f = document.querySelector(`#editor [data-path="${CSS.escape(path)}"]`) || document.querySelector(`#editor [data-path^="${CSS.escape(path)}"]`);
  if (f) f.focus();
}

// The fields of the table's cells 1..6 (the first is the number).
const CELL_FIELDS = [null, "agreement", "title", "dates", "place", "participants", "result"];

// Which rows and cells have errors (as shown).
function computeBad() {
  const rows = new Set(), cells = new Set();
  for (const d of S.diagnostics) {
    if (d.severity !== "error" || !shown(d)) continue;
    const p = placeOf(d.path);
    if (!p) continue;
    if (p.e === null) rows.add("d" + p.d);
    else {
      rows.add(`e${p.d}-${p.e}`);
      if (p.f) cells.add(`e${p.d}-${p.e}/${p.f}`);
    }
  }
  S.bad = { rows, cells };
}

function rowKeyOf(r) { return r.kind === "department" ? `d${r.department}` : `e${r.department}-${r.event}`; }

function rowSig(r) {
  const key = rowKeyOf(r);
  let sig = JSON.stringify(r) + (S.bad.rows.has(key) ? "!" : "");
  if (r.kind === "event") for (const f of CELL_FIELDS) if (f && S.bad.cells.has(key + "/" + f)) sig += "/" + f;
  return sig;
}

// A cell as the screen shows it: a long run of words joined by no-break
// spaces («Музей Ю.А. Гагарина») may break at them where a narrow column
// could not hold it, rather than inside a word. The data is unchanged.
function shownCell(text) {
  return String(text).replace(/[^\s\u00a0]+(?:\u00a0[^\s\u00a0]+)+/g, run => run.length > 14 ? run.replace(/\u00a0/g, " ") : run);
}

function rowElement(r) {
  const key = rowKeyOf(r);
  const bad = S.bad.rows.has(key);
  if (r.kind === "department") {
    const sel = { kind: "department", d: r.department };
    return el("tr", {
      className: "department" + (bad ? " has-error" : ""),
      onclick: () => select(sel), onkeydown: ev => rowKey(ev, sel),
      tabindex: 0, "data-row": key,
      "aria-label": "Департамент: " + (r.text || "без названия") + (bad ? ". Есть ошибки" : "") + ". Enter — открыть",
    }, el("td", { colspan: 7 }, r.text));
  }
  const sel = { kind: "event", d: r.department, e: r.event };
  const tr = el("tr", {
    className: "event" + (bad ? " has-error" : ""),
    onclick: () => select(sel), onkeydown: ev => rowKey(ev, sel),
    tabindex: 0, "data-row": key, "data-number": r.number,
    "aria-label": `Мероприятие № ${r.number}: ${r.cells[2] || "без названия"}` + (bad ? ". Есть ошибки" : "") + ". Enter — открыть",
  });
  r.cells.forEach((c, i) => {
    if (i === 1 && r.merge === "continue") return;
    const faulty = CELL_FIELDS[i] && S.bad.cells.has(key + "/" + CELL_FIELDS[i]);
    tr.append(el("td", { rowspan: i === 1 && r.merge === "start" ? r.rows : null, className: faulty ? "faulty" : null }, shownCell(c)));
  });
  return tr;
}

// The table: the documents' own rows (numbers, merges, dates as printed),
// also while the data has errors (faulty cells marked). Rows equal to
// those on screen are kept; a large table is attached in parts so the
// page answers at once.
const FIRST_ROWS = 120, MORE_ROWS = 200;
function renderTable() {
  renderTitle();
  const table = document.getElementById("table");
  const head = table.querySelector("thead"), body = table.querySelector("tbody");
  if (!table.querySelector("colgroup")) table.prepend(el("colgroup", {}, [0, 1, 2, 3, 4, 5, 6].map(i => el("col", { className: "c" + i }))));
  if (S.table) S.header = S.table.header;
  const header = S.header || ["№ п/п", "Соглашение", "Наименование мероприятия", "Сроки проведения мероприятия", "Место проведения мероприятия", "Участники мероприятия", "Содержание и результат мероприятия"];
  const hs = JSON.stringify(header);
  if (hs !== S.headerSig) { head.replaceChildren(el("tr", {}, header.map(h => el("th", { scope: "col" }, h)))); S.headerSig = hs; }
  document.getElementById("table-note").hidden = !S.data || !!S.table;
  if (!S.data) { body.replaceChildren(); S.rendered = []; return; }
  computeBad();
  const rows = S.table ? S.table.rows : fallbackRows();
  const old = S.rendered;
  // Each row's element is made when it is first attached.
  const next = rows.map((r, i) => {
    const sig = rowSig(r);
    return old[i] && old[i].sig === sig ? old[i] : { sig, row: r, el: null };
  });
  S.rendered = next;
  const attached = body.children.length;
  if (old.length === next.length) {
    for (let i = 0; i < Math.min(attached, next.length); i++) if (old[i] !== next[i]) body.replaceChild(trOf(next[i]), trOf(old[i]));
  } else if (attached === 0) {
    body.append(...next.slice(0, FIRST_ROWS).map(trOf));
  } else {
    body.replaceChildren(...next.map(trOf));
  }
  attachRest();
  markSelected();
}

function trOf(entry) {
  if (!entry.el) entry.el = rowElement(entry.row);
  return entry.el;
}

function attachRest() {
  if (S.attachJob) return;
  const body = document.querySelector("#table tbody");
  if (body.children.length >= S.rendered.length) return;
  S.attachJob = setTimeout(() => {
    S.attachJob = null;
    const n = body.children.length;
    body.append(...S.rendered.slice(n, n + MORE_ROWS).map(trOf));
    markSelected();
    attachRest();
  }, 0);
}

function markSelected() {
  document.querySelectorAll("#table tr.selected").forEach(r => { r.classList.remove("selected"); r.removeAttribute("aria-current"); });
  const r = rowOf(S.selected);
  if (r) { r.classList.add("selected"); r.setAttribute("aria-current", "true"); }
}

// A row by keyboard: Enter (or Space) opens it in the editor, whose first
// field takes the focus; Escape there closes it and the row takes the
// focus back.
function rowKey(ev, sel) {
  if (ev.key !== "Enter" && ev.key !== " ") return;
  ev.preventDefault();
  select(sel);
  const first = document.querySelector("#editor input, #editor select, #editor textarea, #editor button");
  if (first) first.focus();
}

function rowOf(sel) {
  if (!sel) return null;
  const key = sel.kind === "event" ? `e${sel.d}-${sel.e}` : sel.kind === "department" ? `d${sel.d}` : null;
  return key ? document.querySelector(`#table tr[data-row="${key}"]`) : null;
}

function closeEditor() {
  const sel = S.selected;
  S.selected = null;
  markSelected(); renderEditor();
  const row = rowOf(sel);
  if (row) row.focus();
}

// The rows while the data cannot be laid out at all (no period, a file
// that does not read): in data order, no merges.
function fallbackRows() {
  const rows = [];
  let n = 0;
  depts().forEach((dep, d) => {
    rows.push({ kind: "department", text: dep.name || "", department: d });
    (dep.event || []).forEach((ev, e) => {
      n += 1;
      const title = (S.data.agreements || {})[ev.agreement] || "";
      const dates = typeof ev.dates === "object" && ev.dates ? `${ev.dates.from || ""} – ${ev.dates.to || ""}` : (ev.dates || "");
      rows.push({ kind: "event", number: n, department: d, event: e, merge: "single", rows: 1,
        cells: [`${n}.`, title, ev.title || "", dates, ev.place || "", ev.participants || "", ev.result || ""] });
    });
  });
  return rows;
}

// Opens a row (or a panel) in the editor. The table keeps its width, so
// the row stays where it was clicked.
function select(sel) {
  if (!S.editable) return;
  S.selected = sel;
  markSelected(); renderEditor();
}

function field(label, path, input) {
  input.setAttribute("data-path", path);
  const id = "f-" + path.replace(/[^a-z0-9]/gi, "-");
  input.id = id;
  return el("div", { className: "field", "data-field": path }, el("label", { for: id }, label), input,
    el("div", { className: "field-error", "data-errors": path, id: "e" + id }));
}

// Each field's errors under it, tied to it for screen readers.
function markFields() {
  document.querySelectorAll("[data-field]").forEach(f => {
    const path = f.getAttribute("data-field");
    const ds = diagsAt(path);
    const box = f.querySelector("[data-errors]");
    if (!box.id) box.id = "e-" + path.replace(/[^a-z0-9]/gi, "-");
    box.replaceChildren(...ds.map(d => el("div", { className: d.severity === "error" ? "field-error" : "field-warning" },
      (d.text || d.message) + ((d.advice || d.hint) ? ` (${d.advice || d.hint})` : ""))));
    const invalid = ds.some(d => d.severity === "error");
    f.classList.toggle("invalid", invalid);
    f.querySelectorAll("input, textarea, select").forEach(i => {
      if (invalid) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
      if (ds.length) i.setAttribute("aria-describedby", box.id); else i.removeAttribute("aria-describedby");
    });
  });
}

function textInput(value, onchange, multiline) {
  const i = multiline ? el("textarea", { rows: 3 }) : el("input", { type: "text" });
  i.value = value === undefined || value === null ? "" : String(value);
  i.addEventListener("input", () => { onchange(i.value); changed(); });
  return i;
}

function renderEditor() {
  const box = document.getElementById("editor");
  const sel = S.selected;
  box.replaceChildren();
  document.body.classList.toggle("editing", !!(sel && S.data));
  if (!sel || !S.data) {
    box.append(el("h2", {}, "Правка"), el("p", { className: "note" },
      "Выберите строку таблицы — мероприятие или департамент, — чтобы изменить ее. С клавиатуры: Tab — к строке, Enter — открыть, Escape — закрыть."));
    return;
  }
  const close = el("button", { type: "button", className: "close", onclick: closeEditor }, "Закрыть");
  if (sel.kind === "event") eventEditor(box, sel.d, sel.e);
  else if (sel.kind === "department") departmentEditor(box, sel.d);
  else if (sel.kind === "registry") registryEditor(box);
  else if (sel.kind === "report") reportEditor(box);
  else if (sel.kind === "versions") versionsEditor(box);
  if (!S.selected) { renderEditor(); return; }
  box.append(el("div", { className: "actions" }, close));
  // Read-only: nothing to choose, so the agreement list shows whole (a
  // scrolled list of disabled choices could not be scrolled by keyboard).
  box.classList.toggle("readonly", !mayEditSelection(sel));
  if (!mayEditSelection(sel)) {
    box.querySelectorAll("input, select, textarea, button").forEach(x => { if (x !== close && !x.classList.contains("keep")) x.disabled = true; });
    const why = role() === "reader" ? "Только просмотр: ваша роль — читатель."
      : "Только просмотр: это меняет координатор или департамент этого раздела.";
    box.insertBefore(el("p", { className: "note readonly" }, why), box.children[1] || null);
  }
  markFields();
}

// A field of a new event shows its errors once left.
function leaveTracking(box, ev) {
  box.addEventListener("focusout", e => {
    const left = S.fresh.get(ev);
    const path = e.target && e.target.getAttribute ? e.target.getAttribute("data-path") : null;
    const p = placeOf(path);
    if (!left || !p || !p.f || left.has(p.f)) return;
    left.add(p.f);
    renderTable(); renderProblems(); markFields();
  });
}

// The agreement: a list of the registry's full titles (wrapped, never
// cut), with a search when the registry is long.
function agreementChooser(ev, path) {
  const agreements = S.data.agreements || {};
  const entries = Object.entries(agreements);
  const wrap = el("fieldset", { className: "field agreements", "data-field": path },
    el("legend", {}, "Соглашение о сотрудничестве"));
  const list = el("div", { className: "choices" });
  const name = "agr-" + path;
  const items = [];
  const add = (key, title) => {
    const r = el("input", { type: "radio", name, value: key, "data-path": path });
    r.checked = ev.agreement === key;
    r.addEventListener("change", () => { if (r.checked) { ev.agreement = key; changed(); } });
    const label = el("label", { className: "choice" }, r, el("span", {}, title));
    list.append(label);
    items.push([label, norm(title)]);
  };
  for (const [k, t] of entries) add(k, t);
  if (ev.agreement && !(ev.agreement in agreements)) add(ev.agreement, "(соглашения нет в реестре — выберите другое или добавьте его в реестр)");
  if (!entries.length) list.append(el("p", { className: "note" }, "Реестр соглашений пуст: добавьте соглашение в «Реестр соглашений»."));
  if (entries.length > 6) {
    const find = el("input", { type: "search", className: "keep", placeholder: "слова из названия", "aria-label": "Найти соглашение по словам названия" });
    find.addEventListener("input", () => {
      const words = norm(find.value).split(" ").filter(Boolean);
      for (const [label, title] of items) label.hidden = !words.every(w => title.includes(w)) && !label.querySelector("input").checked;
    });
    wrap.append(el("label", { className: "find" }, "Найти: ", find));
  }
  wrap.append(list, el("div", { className: "field-error", "data-errors": path }));
  return wrap;
}

function eventEditor(box, d, e) {
  const dep = depts()[d];
  const ev = dep ? events(d)[e] : null;
  if (!ev) { S.selected = null; return; }
  const p = `/department/${d}/event/${e}`;
  const row = S.table && S.table.rows.find(r => r.kind === "event" && r.department === d && r.event === e);
  box.append(el("h2", {}, row ? `Мероприятие № ${row.number}` : "Мероприятие"));
  box.append(agreementChooser(ev, p + "/agreement"));
  for (const [key, label] of FIELDS) {
    if (key === "dates") box.append(datesEditor(ev, p + "/dates"));
    else box.append(field(label, `${p}/${key}`, textInput(ev[key], v => { ev[key] = v; }, true)));
  }
  leaveTracking(box, ev);
  const list = events(d);
  box.append(el("div", { className: "actions" },
    el("button", { type: "button", disabled: e === 0, onclick: () => moveEvent(d, e, -1) }, "↑ Выше"),
    el("button", { type: "button", disabled: e === list.length - 1, onclick: () => moveEvent(d, e, 1) }, "↓ Ниже"),
    el("button", { type: "button", onclick: () => addEvent(d, e + 1) }, "+ Мероприятие ниже"),
    el("button", { type: "button", className: "danger", onclick: () => {
      if (confirm("Удалить это мероприятие?")) { list.splice(e, 1); S.selected = null; changed(true); renderEditor(); }
    } }, "Удалить")));
  // To another department (the coordinator's; a department edits only its own).
  const others = depts().map((x, i) => [i, x.name]).filter(([i]) => i !== d);
  if (others.length && role() === "coordinator") {
    const to = el("select", { id: "move-to" }, others.map(([i, n]) => el("option", { value: i }, n || "(без названия)")));
    box.append(el("div", { className: "field move" }, el("label", { for: "move-to" }, "Перенести в департамент"),
      el("div", { className: "row" }, to, el("button", { type: "button", id: "move-event", onclick: () => moveToDepartment(d, e, +to.value) }, "Перенести"))));
  }
}

const DATE_MIN = "2000-01-01", DATE_MAX = "2100-12-31";

function datesEditor(ev, path) {
  const kind = typeof ev.dates === "object" && ev.dates !== null ? "period"
    : /^\d{4}-\d{2}-\d{2}$/.test(ev.dates || "") ? "date" : "text";
  const mode = el("select", { "aria-label": "Вид сроков" },
    el("option", { value: "text", selected: kind === "text" }, "текстом"),
    el("option", { value: "date", selected: kind === "date" }, "дата"),
    el("option", { value: "period", selected: kind === "period" }, "период (с … по …)"));
  const wrap = el("div", { className: "field", "data-field": path },
    el("label", {}, "Сроки проведения мероприятия"), mode);
  const inner = el("div", {});
  const dateInput = (p, label, value) => {
    const i = el("input", { type: "date", "data-path": p, "aria-label": label, min: DATE_MIN, max: DATE_MAX });
    i.value = value || "";
    return i;
  };
  const draw = () => {
    inner.replaceChildren();
    const k = mode.value;
    if (k === "text") {
      const i = textInput(typeof ev.dates === "string" ? ev.dates : "", v => { ev.dates = v; }, false);
      i.setAttribute("data-path", path);
      i.setAttribute("aria-label", "Сроки текстом");
      inner.append(i);
    } else if (k === "date") {
      const i = dateInput(path, "Дата", typeof ev.dates === "string" && /^\d{4}-\d{2}-\d{2}$/.test(ev.dates) ? ev.dates : "");
      i.addEventListener("input", () => { ev.dates = i.value; changed(); });
      inner.append(i);
    } else {
      const cur = typeof ev.dates === "object" && ev.dates ? ev.dates : { from: "", to: "" };
      const from = dateInput(path + "/from", "С", cur.from);
      const to = dateInput(path + "/to", "По", cur.to);
      const upd = () => { ev.dates = { from: from.value, to: to.value }; changed(); };
      from.addEventListener("input", upd); to.addEventListener("input", upd);
      inner.append(el("div", { className: "row" }, el("label", {}, "с ", from), el("label", {}, "по ", to)));
    }
  };
  mode.addEventListener("change", () => {
    const k = mode.value;
    if (k === "text") ev.dates = typeof ev.dates === "string" ? ev.dates : "";
    else if (k === "date") ev.dates = typeof ev.dates === "string" && /^\d{4}-\d{2}-\d{2}$/.test(ev.dates) ? ev.dates : "";
    else ev.dates = { from: "", to: "" };
    draw(); changed();
  });
  draw();
  wrap.append(inner, el("div", { className: "field-error", "data-errors": path }));
  return wrap;
}

// A new event: empty, no agreement chosen (the clerk chooses it); its
// fields show their errors once left or after a save.
function blankEvent() {
  const ev = { agreement: "", title: "", dates: "", place: "", participants: "", result: "" };
  S.fresh.set(ev, new Set());
  return ev;
}

function addEvent(d, at) {
  const list = events(d);
  list.splice(at, 0, blankEvent());
  changed(true);
  select({ kind: "event", d, e: at });
}

function moveEvent(d, e, by) {
  const list = events(d);
  const [x] = list.splice(e, 1);
  list.splice(e + by, 0, x);
  changed(true);
  select({ kind: "event", d, e: e + by });
}

function moveToDepartment(d, e, to) {
  const [x] = events(d).splice(e, 1);
  const list = events(to);
  list.push(x);
  changed(true);
  select({ kind: "event", d: to, e: list.length - 1 });
  banner(`Мероприятие перенесено в «${depts()[to].name}» (в конец раздела). Не забудьте сохранить.`, true);
}

function departmentEditor(box, d) {
  const dep = depts()[d];
  if (!dep) { S.selected = null; return; }
  const p = `/department/${d}`;
  box.append(el("h2", {}, "Департамент"));
  box.append(field("Название", p + "/name", textInput(dep.name, v => { dep.name = v; }, true)));
  const all = depts();
  box.append(el("div", { className: "actions" },
    el("button", { type: "button", onclick: () => addEvent(d, events(d).length) }, "+ Мероприятие"),
    el("button", { type: "button", disabled: d === 0, onclick: () => moveDepartment(d, -1) }, "↑ Выше"),
    el("button", { type: "button", disabled: d === all.length - 1, onclick: () => moveDepartment(d, 1) }, "↓ Ниже"),
    el("button", { type: "button", className: "danger", onclick: () => {
      const n = (dep.event || []).length;
      if (confirm(n ? `Удалить департамент вместе с мероприятиями (${n})?` : "Удалить департамент?")) {
        all.splice(d, 1); S.selected = null; changed(true); renderEditor();
      }
    } }, "Удалить")));
  box.append(el("div", { className: "actions" },
    el("button", { type: "button", className: "keep form-docx", onclick: () => {
      if (S.dirty) { banner("Сначала сохраните правки: форма делается из сохраненного отчета."); return; }
      downloadShown("/api/reports/" + encodeURIComponent(S.name) + "/forms/" + d + ".docx", "форма.docx");
    } }, "Форма для департамента (Word)")));
}

function moveDepartment(d, by) {
  const all = depts();
  const [x] = all.splice(d, 1);
  all.splice(d + by, 0, x);
  changed(true);
  select({ kind: "department", d: d + by });
}

function addDepartment() {
  depts().push({ name: "Новый департамент", event: [] });
  changed(true);
  select({ kind: "department", d: depts().length - 1 });
}

// The registry: each agreement's title; one no event uses can be removed.
function registryEditor(box) {
  box.append(el("h2", {}, "Реестр соглашений"));
  box.append(el("p", { className: "note" }, "Полные названия соглашений печатаются в таблице. Краткое обозначение (латиницей) связывает мероприятия с соглашением; его не видно в документах."));
  const reg = S.data.agreements || (S.data.agreements = {});
  const uses = {};
  for (const dep of depts()) for (const ev of dep.event || []) uses[ev.agreement] = (uses[ev.agreement] || 0) + 1;
  for (const key of Object.keys(reg)) {
    const n = uses[key] || 0;
    box.append(el("div", { className: "registry-item" },
      field(`Соглашение «${key}»`, `/agreements/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        textInput(reg[key], v => { reg[key] = v; }, true)),
      n ? el("p", { className: "note" }, `Мероприятий с этим соглашением: ${n}. Удалить можно соглашение, которое нигде не выбрано.`)
        : el("button", { type: "button", className: "danger remove-agreement", onclick: () => {
          if (!confirm("Удалить соглашение из реестра? Ни одно мероприятие его не использует.")) return;
          delete reg[key]; changed(true); renderEditor();
        } }, "Удалить из реестра")));
  }
  const newKey = el("input", { type: "text", id: "new-agreement-key", placeholder: "например, moscow" });
  const newTitle = el("textarea", { rows: 3, id: "new-agreement-title" });
  const msg = el("div", { className: "field-error", role: "alert" });
  box.append(el("div", { className: "registry-item" }, el("h2", {}, "Новое соглашение"),
    el("div", { className: "field" }, el("label", { for: "new-agreement-title" }, "Полное название"), newTitle),
    el("div", { className: "field" }, el("label", { for: "new-agreement-key" }, "Краткое обозначение (латиницей)"), newKey), msg,
    el("button", { type: "button", onclick: () => {
      const k = newKey.value.trim();
      if (!newTitle.value.trim()) { msg.textContent = "Впишите полное название соглашения."; return; }
      if (!/^[A-Za-z0-9_-]+$/.test(k)) { msg.textContent = "Краткое обозначение — латинские буквы, цифры, дефис, например tver."; return; }
      if (k in reg) { msg.textContent = "Такое обозначение уже есть."; return; }
      reg[k] = newTitle.value; changed(true); renderEditor();
    } }, "Добавить")));
}

function reportEditor(box) {
  const r = S.data.report || (S.data.report = {});
  box.append(el("h2", {}, "Период и заголовок"));
  const num = (key, label, min, max) => {
    const i = el("input", { type: "number", min, max });
    i.value = r[key] === undefined ? "" : r[key];
    i.addEventListener("input", () => { const v = parseInt(i.value, 10); if (Number.isNaN(v)) delete r[key]; else r[key] = v; changed(); });
    return field(label, "/report/" + key, i);
  };
  box.append(num("year", "Год", 2000, 2100), num("quarter", "Квартал (1–4)", 1, 4));
  const opt = (key, label) => field(label, "/report/" + key, textInput(r[key], v => { if (v === "") delete r[key]; else r[key] = v; }, key === "title"));
  box.append(opt("region", "Регион"), opt("title", "Заголовок (пусто — заголовок формы)"));
}

async function nextQuarter() {
  if (S.dirty) { banner("Сначала сохраните правки."); return; }
  const { status: code, json } = await api("POST", "/api/reports/" + encodeURIComponent(S.name) + "/next", {});
  if (code !== 200) { banner(json.error || "Ошибка"); return; }
  location.href = "/reports/" + encodeURIComponent(json.name);
}
async function versionsEditor(box) {
  box.append(el("h2", {}, "Версии и исправления"),
    el("p", { className: "note" }, "Каждое сохранение оставляет прежнюю версию; под ее временем — что изменило следующее сохранение. «Изменения» — всё, что изменилось с тех пор, «DOCX с исправлениями» — то же в режиме рецензирования (для проверяющего)."));
  const list = el("div", { id: "versions-list" });
  box.append(list);
  const base = "/api/reports/" + encodeURIComponent(S.name) + "/versions";
  const { status: code, json } = await busy(list, "Загрузка версий…", () => api("GET", base));
  if (code !== 200) { list.replaceChildren(el("p", { className: "bad" }, json.error || "Ошибка")); return; }
  if (!json.versions.length) { list.replaceChildren(el("p", { className: "note" }, "Прежних версий пока нет: они появятся после сохранения.")); return; }
  list.replaceChildren(...json.versions.map(v => {
    const details = el("div");
    const url = base + "/" + encodeURIComponent(v.id);
    return el("div", { className: "version", "data-version": v.id },
      el("div", { className: "when" }, v.time ? new Date(v.time).toLocaleString("ru-RU") : v.id, v.author ? " — " + v.author : ""), el("div", {}, v.summary), details,
      el("div", { className: "actions" },
        el("button", { type: "button", className: "show-changes", onclick: async () => {
          const { status: c, json: j } = await api("GET", url);
          details.replaceChildren(c === 200 ? el("ul", {}, j.summary.map(l => el("li", {}, l))) : el("p", { className: "bad" }, j.error));
        } }, "Изменения"),
        el("button", { type: "button", className: "changes-docx", onclick: () => download(url + ".docx", details, S.name + "-исправления.docx") }, "DOCX с исправлениями"),
        role() !== "coordinator" ? null : el("button", { type: "button", className: "restore", onclick: async () => {
          if (S.dirty) { banner("Сначала сохраните или отмените правки."); return; }
          if (!confirm("Вернуть эту версию? Текущее содержимое останется среди версий.")) return;
          const { status: c, json: j } = await api("POST", url + "/restore", { version: S.version });
          if (c !== 200) { banner(j.error || "Ошибка"); return; }
          await reload();
          banner("Версия восстановлена; прежнее содержимое сохранено как версия.", true);
        } }, "Восстановить")));
  }));
}

// ---------------------------------------------------------------- office

// The office server: the signed-in user and «Выйти» in the bar (the
// local mode has no accounts: /api/me is not there).
async function whoAmI() {
  const { status: code, json } = await api("GET", "/api/me");
  if (code !== 200) return null;
  const bar = document.querySelector("header.bar");
  const roles = { coordinator: "координатор", department: "департамент", reader: "читатель" };
  const who = el("span", { className: "who" }, json.name + " (" + (json.department || roles[json.role] || json.role) + ")");
  const out = el("button", { type: "button", className: "logout", onclick: async () => {
    await api("POST", "/api/logout", {});
    location.href = "/login";
  } }, "Выйти");
  bar.append(who, out);
  barHeight();
  return json;
}

document.addEventListener("keydown", ev => {
  if (!document.getElementById("editor")) return;
  if (ev.key === "Escape" && S.selected) {
    ev.preventDefault();
    closeEditor();
  }
  // Ctrl+Z outside a text field (a field undoes its own typing first).
  const typing = ev.target && /^(INPUT|TEXTAREA)$/.test(ev.target.tagName) && !/^(radio|checkbox)$/.test(ev.target.type || "");
  if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && (ev.key === "z" || ev.key === "я") && !typing && S.undo.length) {
    ev.preventDefault();
    undo();
  }
});

function loginPage() {
  const form = document.getElementById("login-form");
  const err = document.getElementById("login-error");
  document.getElementById("login").focus();
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    err.textContent = "";
    const login = document.getElementById("login").value.trim();
    const password = document.getElementById("password").value;
    if (!login || !password) { err.textContent = "Введите имя входа и пароль."; return; }
    const button = form.querySelector("button");
    button.disabled = true;
    const { status: code, json } = await api("POST", "/api/login", { login, password });
    button.disabled = false;
    if (code === 200) { location.href = "/"; return; }
    err.textContent = json.error || "Вход не выполнен";
    document.getElementById("password").value = "";
    document.getElementById("password").focus();
  });
}

// The bar's height (it wraps on a narrow screen), for what sticks below it.
function barHeight() {
  const bar = document.querySelector("header.bar");
  if (bar) document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px");
}
window.addEventListener("resize", barHeight);

document.addEventListener("DOMContentLoaded", () => {
  barHeight();
  const page = document.body.getAttribute("data-page");
  if (page === "login") { loginPage(); return; }
  whoAmI().then(me => {
    ME = me;
    if (page === "index") indexPage();
    else reportPage();
  });
});
