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
}

// ---------------------------------------------------------------- list

async function indexPage() {
  status("Загрузка…");
  const { status: code, json } = await api("GET", "/api/reports");
  if (code !== 200) { status(json.error || "Ошибка", "bad"); return; }
  const body = document.querySelector("#reports tbody");
  body.replaceChildren();
  for (const r of json.reports) {
    const roman = ["", "I", "II", "III", "IV"];
    const period = r.year ? (r.quarter ? `${roman[r.quarter]} квартал ${r.year} года` : `${r.year} год`) : "—";
    let check;
    if (r.errors > 0) {
      const e = r.first_error;
      check = el("span", { className: "bad" }, `ошибок: ${r.errors}`, e ? el("br") : null, e ? (e.text || e.message) : null);
    } else if (r.warnings > 0) check = el("span", { className: "warn" }, `предупреждений: ${r.warnings}`);
    else check = el("span", { className: "good" }, "в порядке");
    body.append(el("tr", {},
      el("td", {}, el("a", { href: "/reports/" + encodeURIComponent(r.name) }, r.file)),
      el("td", {}, period),
      el("td", {}, r.region || "—"),
      el("td", {}, r.events === null ? "—" : r.events),
      el("td", {}, check)));
  }
  status(json.reports.length ? "" : "В папке нет файлов отчетов (.toml).");
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
  const roman = ["", "I", "II", "III", "IV"];
  const items = [];
  for (const r of reports) {
    const { status: code, json } = await api("GET", "/api/reports/" + encodeURIComponent(r.name) + "/status");
    if (code !== 200) continue;
    const period = r.year ? (r.quarter ? `${roman[r.quarter]} квартал ${r.year} года` : `${r.year} год`) : r.name;
    for (const d of json.departments) items.push({ report: r.name, period, ...d });
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
    (m.file ? m.file + ": " : "") + (m.text || m.message) + ((m.advice || m.hint) ? " — " + (m.advice || m.hint) : ""))));
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

function workflow(reports) {
  const registry = document.getElementById("import-registry");
  registry.replaceChildren(el("option", { value: "" }, "— не брать —"));
  for (const r of reports) registry.append(el("option", { value: r.name }, r.file));
  const quarters = document.getElementById("annual-quarters");
  quarters.replaceChildren();
  const roman = ["", "I", "II", "III", "IV"];
  for (const r of reports.filter(r => r.quarter)) {
    quarters.append(el("label", {}, el("input", { type: "checkbox", value: r.name }), ` ${r.file} (${roman[r.quarter]} квартал ${r.year})`));
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
    const target = el("select", { id: "import-target" }, reports.map(r => el("option", { value: r.name }, r.file)));
    const result = el("div");
    // Writes the import (as a new report or into one), then opens it.
    const write = async where => {
      const { status: c, json: j } = await busy(result, "Запись…", () => api("POST", "/api/import", { ...body, ...where }));
      if (c !== 200) { result.replaceChildren(el("p", { className: "bad" }, j.error || "Ошибка")); return; }
      location.href = "/reports/" + encodeURIComponent(j.name);
    };
    const create = el("button", { type: "button", id: "import-create", onclick: () => write({ new: name.value }) }, "Создать новый отчет");
    const add = el("button", { type: "button", id: "import-add", onclick: async () => {
      if (!target.value) return;
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
      el("div", { className: "row" }, el("label", { className: "inline" }, "Имя нового файла: ", name), create),
      reports.length ? el("div", { className: "row" }, el("label", { className: "inline" }, "или в отчет: ", target), add) : null,
      result));
  };
  const annualBox = document.getElementById("annual-result");
  const annual = ext => async () => {
    const names = Array.from(quarters.querySelectorAll("input:checked")).map(i => i.value);
    if (!names.length) { annualBox.replaceChildren(el("p", { className: "bad" }, "Отметьте файлы кварталов")); return; }
    const partial = document.getElementById("annual-partial").checked ? "&partial=1" : "";
    const url = `/api/annual.${ext}?names=${names.map(encodeURIComponent).join(",")}${partial}`;
    const ok = await busy(annualBox, "Идет сборка годового отчета…", () => download(url, annualBox, "annual." + ext));
    if (ok) annualBox.replaceChildren(el("p", { className: "good" }, "Годовой отчет сформирован"));
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
    const restore = data.length && role() === "coordinator" ? el("button", { type: "button", onclick: async () => {
      const { status: c, json: j } = await api("POST", "/api/archive/restore", { file: p.file });
      if (c !== 200) { box.replaceChildren(el("p", { className: "bad" }, j.error || "Ошибка")); return; }
      await indexPage();
      box.replaceChildren(el("p", { className: "good" }, "Данные восстановлены в файл ",
        el("a", { href: "/reports/" + encodeURIComponent(j.name) }, j.name + ".toml"), j.warning ? " (" + j.warning + ")" : ""));
    } }, "Восстановить данные") : null;
    body.append(el("tr", {},
      el("td", {}, p.file),
      el("td", {}, p.error ? el("span", { className: "bad" }, p.error) : (data.map(d => d.period).filter(Boolean).join(", ") || "—")),
      el("td", {}, p.pages === undefined ? "—" : p.pages),
      el("td", {}, p.error ? "—" : data.length ? data.map(d => d.name + (d.intact ? "" : " (изменен)")).join(", ") : "нет"),
      el("td", {}, restore)));
  }
  if (!json.pdfs.length) box.replaceChildren(el("p", { className: "hint" }, "PDF пока нет."));
}

// -------------------------------------------------------------- report

const S = {
  name: decodeURIComponent(location.pathname.replace(/^\/reports\//, "")),
  data: null, version: null, diagnostics: [], table: null,
  dirty: false, selected: null, editable: true, checkTimer: null, checkSeq: 0, header: null,
};

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

function diagsAt(prefix) {
  return S.diagnostics.filter(d => d.path && (d.path === prefix || d.path.startsWith(prefix + "/")));
}

async function reportPage() {
  document.getElementById("file").textContent = S.name + ".toml";
  document.title = S.name + " — otchet";
  const base = "/api/reports/" + encodeURIComponent(S.name);
  document.getElementById("docx").href = base + "/docx";
  document.getElementById("pdf").href = base + "/pdf";
  for (const id of ["docx", "pdf"]) {
    document.getElementById(id).addEventListener("click", ev => {
      ev.preventDefault();
      if (S.dirty) { banner("Сначала сохраните правки: документы формируются из сохраненного файла."); return; }
      if (S.diagnostics.some(d => d.severity === "error")) { banner("Документы не формируются, пока в отчете есть ошибки: исправьте их (список над таблицей)."); return; }
      const box = document.getElementById("banner");
      download(base + "/" + id, box, S.name + "." + id, id === "pdf").then(ok => { if (!ok) box.hidden = false; });
    });
  }
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("add-department").addEventListener("click", addDepartment);
  document.getElementById("edit-registry").addEventListener("click", () => select({ kind: "registry" }));
  document.getElementById("edit-report").addEventListener("click", () => select({ kind: "report" }));
  document.getElementById("versions").addEventListener("click", () => select({ kind: "versions" }));
  document.getElementById("next-quarter").addEventListener("click", nextQuarter);
  window.addEventListener("beforeunload", ev => { if (S.dirty) { ev.preventDefault(); ev.returnValue = ""; } });
  if (role() !== "coordinator") {
    for (const id of ["add-department", "edit-report", "next-quarter"]) document.getElementById(id).hidden = true;
  }
  if (role() === "reader") document.getElementById("save").hidden = true;
  await reload();
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
  if (!S.editable) {
    banner("Файл не читается как TOML — страница его не меняет. Исправьте ошибку в текстовом редакторе и обновите страницу.");
    for (const id of ["add-department", "edit-registry", "edit-report"]) document.getElementById(id).disabled = true;
  }
  render();
  status("");
}

function banner(text, ok) {
  const b = document.getElementById("banner");
  b.textContent = text;
  b.className = ok ? "banner ok" : "banner";
  b.hidden = !text;
}

function changed() {
  S.dirty = true;
  document.getElementById("save").disabled = false;
  status("Есть несохраненные правки");
  clearTimeout(S.checkTimer);
  S.checkTimer = setTimeout(check, 250);
}

async function check() {
  const seq = ++S.checkSeq;
  const { status: code, json } = await api("POST", "/api/check", { name: S.name, data: S.data });
  if (seq !== S.checkSeq) return; // a newer check is on its way
  if (code !== 200) { banner(json.error || "Проверка не удалась"); return; }
  S.diagnostics = json.diagnostics;
  if (json.table) S.table = json.table; else S.table = null;
  renderTable(); renderProblems(); markFields();
}

async function save() {
  clearTimeout(S.checkTimer);
  status("Сохранение…");
  const { status: code, json } = await api("PUT", "/api/reports/" + encodeURIComponent(S.name), { data: S.data, version: S.version });
  if (code === 409) {
    banner(json.error);
    status("Не сохранено", "bad");
    return;
  }
  if (code !== 200) { banner(json.error || "Не сохранено"); status("Не сохранено", "bad"); return; }
  S.version = json.version; S.diagnostics = json.diagnostics; S.table = json.table; S.dirty = false;
  document.getElementById("save").disabled = true;
  const errors = S.diagnostics.filter(d => d.severity === "error").length;
  banner(errors ? `Сохранено как черновик: ошибок ${errors}. Документы сформируются, когда ошибки будут исправлены.` : "Сохранено.", !errors);
  status("Сохранено", "good");
  renderTable(); renderProblems(); markFields();
}

function render() {
  renderTitle(); renderTable(); renderProblems(); renderEditor();
}

function renderTitle() {
  const t = document.getElementById("title");
  t.textContent = S.table ? S.table.title.join("\n") : (S.data && S.data.report && S.data.report.title) || "";
}

function renderProblems() {
  const box = document.getElementById("problems");
  box.replaceChildren();
  for (const d of S.diagnostics) {
    const kind = d.severity === "error" ? "ошибка" : "предупреждение";
    box.append(el("button", {
      type: "button", className: "problem " + d.severity,
      onclick: () => goTo(d.path),
    }, `${kind}: ${d.text || d.message}`, (d.advice || d.hint) ? ` — ${d.advice || d.hint}` : ""));
  }
}

function goTo(path) {
  if (!path) return;
  const m = path.match(/^\/department\/(\d+)(?:\/event\/(\d+))?/);
  if (m && m[2] !== undefined) select({ kind: "event", d: +m[1], e: +m[2] });
  else if (m) select({ kind: "department", d: +m[1] });
  else if (path.startsWith("/agreements")) select({ kind: "registry" });
  else if (path.startsWith("/report")) select({ kind: "report" });
  const f = document.querySelector(`[data-path="${CSS.escape(path)}"]`);
  if (f) f.focus();
}

function renderTable() {
  renderTitle();
  const table = document.getElementById("table");
  const head = table.querySelector("thead"), body = table.querySelector("tbody");
  table.querySelectorAll("colgroup").forEach(c => c.remove());
  table.prepend(el("colgroup", {}, [0, 1, 2, 3, 4, 5, 6].map(i => el("col", { className: "c" + i }))));
  if (S.table) S.header = S.table.header;
  const header = S.header || ["№ п/п", "Соглашение", "Наименование мероприятия", "Сроки", "Место", "Участники", "Содержание и результат"];
  head.replaceChildren(el("tr", {}, header.map(h => el("th", { scope: "col" }, h))));
  body.replaceChildren();
  if (!S.data) return;
  const sel = S.selected || {};
  const rows = S.table ? S.table.rows : fallbackRows();
  for (const r of rows) {
    if (r.kind === "department") {
      const bad = diagsAt(`/department/${r.department}/name`).some(d => d.severity === "error");
      body.append(el("tr", {
        className: "department" + (sel.kind === "department" && sel.d === r.department ? " selected" : "") + (bad ? " has-error" : ""),
        onclick: () => select({ kind: "department", d: r.department }),
        onkeydown: ev => rowKey(ev, { kind: "department", d: r.department }),
        tabindex: 0, "data-row": `d${r.department}`,
        "aria-label": "Департамент: " + r.text + ". Enter — открыть",
      }, el("td", { colspan: 7 }, r.text)));
    } else {
      const bad = diagsAt(`/department/${r.department}/event/${r.event}`).some(d => d.severity === "error");
      const tr = el("tr", {
        className: "event" + (sel.kind === "event" && sel.d === r.department && sel.e === r.event ? " selected" : "") + (bad ? " has-error" : ""),
        onclick: () => select({ kind: "event", d: r.department, e: r.event }),
        onkeydown: ev => rowKey(ev, { kind: "event", d: r.department, e: r.event }),
        tabindex: 0, "data-row": `e${r.department}-${r.event}`,
        "data-number": r.number,
      });
      r.cells.forEach((c, i) => {
        if (i === 1 && r.merge === "continue") return;
        tr.append(el("td", { rowspan: i === 1 && r.merge === "start" ? r.rows : null }, c));
      });
      body.append(tr);
    }
  }
  if (!S.table) {
    body.append(el("tr", {}, el("td", { colspan: 7, className: "note" },
      "Таблица показана упрощенно (без объединения ячеек): в данных есть ошибки.")));
  }
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
  renderTable(); renderEditor();
  const row = rowOf(sel);
  if (row) row.focus();
}

// The table while the data has errors (the server lays out valid data
// only): rows in data order, numbers in order, no merges.
function fallbackRows() {
  const rows = [];
  let n = 0;
  depts().forEach((dep, d) => {
    rows.push({ kind: "department", text: dep.name || "", department: d });
    (dep.event || []).forEach((ev, e) => {
      n += 1;
      const title = (S.data.agreements || {})[ev.agreement] || ev.agreement || "";
      const dates = typeof ev.dates === "object" && ev.dates ? `${ev.dates.from || ""} – ${ev.dates.to || ""}` : (ev.dates || "");
      rows.push({ kind: "event", number: n, department: d, event: e, merge: "single", rows: 1,
        cells: [`${n}.`, title, ev.title || "", dates, ev.place || "", ev.participants || "", ev.result || ""] });
    });
  });
  return rows;
}

function select(sel) {
  if (!S.editable) return;
  S.selected = sel;
  renderTable(); renderEditor();
}

function field(label, path, input) {
  input.setAttribute("data-path", path);
  const id = "f-" + path.replace(/[^a-z0-9]/gi, "-");
  input.id = id;
  return el("div", { className: "field", "data-field": path }, el("label", { for: id }, label), input,
    el("div", { className: "field-error", "data-errors": path }));
}

function markFields() {
  document.querySelectorAll("[data-field]").forEach(f => {
    const path = f.getAttribute("data-field");
    const ds = diagsAt(path);
    const box = f.querySelector("[data-errors]");
    box.replaceChildren(...ds.map(d => el("div", { className: d.severity === "error" ? "field-error" : "field-warning" },
      (d.text || d.message) + ((d.advice || d.hint) ? ` (${d.advice || d.hint})` : ""))));
    f.classList.toggle("invalid", ds.some(d => d.severity === "error"));
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
  if (!sel || !S.data) { box.hidden = true; return; }
  box.hidden = false;
  const close = el("button", { type: "button", className: "close", onclick: closeEditor }, "Закрыть");
  if (sel.kind === "event") eventEditor(box, sel.d, sel.e);
  else if (sel.kind === "department") departmentEditor(box, sel.d);
  else if (sel.kind === "registry") registryEditor(box);
  else if (sel.kind === "report") reportEditor(box);
  else if (sel.kind === "versions") versionsEditor(box);
  box.append(el("div", { className: "actions" }, close));
  if (!mayEditSelection(sel)) {
    box.querySelectorAll("input, select, textarea, button").forEach(x => { if (x !== close) x.disabled = true; });
    const why = role() === "reader" ? "Только просмотр: ваша роль — читатель."
      : "Только просмотр: это меняет координатор или департамент этого раздела.";
    box.insertBefore(el("p", { className: "note readonly" }, why), box.children[1] || null);
  }
  markFields();
}

function eventEditor(box, d, e) {
  const ev = events(d)[e];
  if (!ev) { S.selected = null; box.hidden = true; return; }
  const p = `/department/${d}/event/${e}`;
  const row = S.table && S.table.rows.find(r => r.kind === "event" && r.department === d && r.event === e);
  box.append(el("h2", {}, row ? `Мероприятие № ${row.number}` : "Мероприятие"));
  const agreements = S.data.agreements || {};
  const select = el("select", {});
  select.append(el("option", { value: "" }, "— выберите соглашение —"));
  for (const [key, title] of Object.entries(agreements)) {
    const o = el("option", { value: key }, title);
    if (key === ev.agreement) o.selected = true;
    select.append(o);
  }
  if (ev.agreement && !(ev.agreement in agreements)) {
    select.append(el("option", { value: ev.agreement, selected: true }, `(нет в реестре: ${ev.agreement})`));
  }
  select.addEventListener("change", () => { ev.agreement = select.value; changed(); });
  box.append(field("Соглашение о сотрудничестве", p + "/agreement", select));
  for (const [key, label] of FIELDS) {
    if (key === "dates") box.append(datesEditor(ev, p + "/dates"));
    else box.append(field(label, `${p}/${key}`, textInput(ev[key], v => { ev[key] = v; }, true)));
  }
  const list = events(d);
  box.append(el("div", { className: "actions" },
    el("button", { type: "button", disabled: e === 0, onclick: () => moveEvent(d, e, -1) }, "↑ Выше"),
    el("button", { type: "button", disabled: e === list.length - 1, onclick: () => moveEvent(d, e, 1) }, "↓ Ниже"),
    el("button", { type: "button", onclick: () => addEvent(d, e + 1) }, "+ Мероприятие ниже"),
    el("button", { type: "button", className: "danger", onclick: () => {
      if (confirm("Удалить это мероприятие?")) { list.splice(e, 1); S.selected = null; changed(); renderEditor(); renderTable(); }
    } }, "Удалить")));
}

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
  const draw = () => {
    inner.replaceChildren();
    const k = mode.value;
    if (k === "text") {
      const i = textInput(typeof ev.dates === "string" ? ev.dates : "", v => { ev.dates = v; }, false);
      i.setAttribute("data-path", path);
      i.setAttribute("aria-label", "Сроки текстом");
      inner.append(i);
    } else if (k === "date") {
      const i = el("input", { type: "date", "data-path": path, "aria-label": "Дата" });
      i.value = typeof ev.dates === "string" && /^\d{4}-\d{2}-\d{2}$/.test(ev.dates) ? ev.dates : "";
      i.addEventListener("input", () => { ev.dates = i.value; changed(); });
      inner.append(i);
    } else {
      const cur = typeof ev.dates === "object" && ev.dates ? ev.dates : { from: "", to: "" };
      const from = el("input", { type: "date", "data-path": path + "/from", "aria-label": "С" });
      const to = el("input", { type: "date", "data-path": path + "/to", "aria-label": "По" });
      from.value = cur.from || ""; to.value = cur.to || "";
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

// A new event: the agreement of the event before it (events of one
// agreement follow each other), else the registry's first.
function blankEvent(before) {
  const keys = Object.keys(S.data.agreements || {});
  const agreement = before && before.agreement ? before.agreement : keys[0] || "";
  return { agreement, title: "", dates: "", place: "", participants: "", result: "" };
}

function addEvent(d, at) {
  const list = events(d);
  list.splice(at, 0, blankEvent(list[at - 1]));
  changed();
  select({ kind: "event", d, e: at });
}

function moveEvent(d, e, by) {
  const list = events(d);
  const [x] = list.splice(e, 1);
  list.splice(e + by, 0, x);
  changed();
  select({ kind: "event", d, e: e + by });
}

function departmentEditor(box, d) {
  const dep = depts()[d];
  if (!dep) { S.selected = null; box.hidden = true; return; }
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
        all.splice(d, 1); S.selected = null; changed(); renderEditor(); renderTable();
      }
    } }, "Удалить")));
}

function moveDepartment(d, by) {
  const all = depts();
  const [x] = all.splice(d, 1);
  all.splice(d + by, 0, x);
  changed();
  select({ kind: "department", d: d + by });
}

function addDepartment() {
  depts().push({ name: "Новый департамент", event: [] });
  changed();
  select({ kind: "department", d: depts().length - 1 });
}

function registryEditor(box) {
  box.append(el("h2", {}, "Реестр соглашений"));
  box.append(el("p", { className: "note" }, "Ключ — короткое имя соглашения в файле данных (латиница, цифры, дефис); название печатается в таблице."));
  const reg = S.data.agreements || (S.data.agreements = {});
  for (const key of Object.keys(reg)) {
    box.append(el("div", { className: "registry-item" },
      field(`Ключ «${key}»`, `/agreements/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        textInput(reg[key], v => { reg[key] = v; }, true))));
  }
  const newKey = el("input", { type: "text", placeholder: "например, moscow", "aria-label": "Ключ нового соглашения" });
  const newTitle = el("textarea", { rows: 3, "aria-label": "Название нового соглашения" });
  const msg = el("div", { className: "field-error" });
  box.append(el("div", { className: "registry-item" }, el("h2", {}, "Новое соглашение"),
    el("div", { className: "field" }, el("label", {}, "Ключ"), newKey),
    el("div", { className: "field" }, el("label", {}, "Полное название"), newTitle), msg,
    el("button", { type: "button", onclick: () => {
      const k = newKey.value.trim();
      if (!k) { msg.textContent = "Укажите ключ."; return; }
      if (k in reg) { msg.textContent = "Такой ключ уже есть."; return; }
      reg[k] = newTitle.value; changed(); renderEditor();
    } }, "Добавить")));
}

function reportEditor(box) {
  const r = S.data.report || (S.data.report = {});
  box.append(el("h2", {}, "Период и заголовок"));
  const num = (key, label) => {
    const i = el("input", { type: "number" });
    i.value = r[key] === undefined ? "" : r[key];
    i.addEventListener("input", () => { const v = parseInt(i.value, 10); if (Number.isNaN(v)) delete r[key]; else r[key] = v; changed(); });
    return field(label, "/report/" + key, i);
  };
  box.append(num("year", "Год"), num("quarter", "Квартал (1–4)"));
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
  return json;
}

document.addEventListener("keydown", ev => {
  if (ev.key === "Escape" && S.selected && document.getElementById("editor") && !document.getElementById("editor").hidden) {
    ev.preventDefault();
    closeEditor();
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

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.getAttribute("data-page");
  if (page === "login") { loginPage(); return; }
  whoAmI().then(me => {
    ME = me;
    if (page === "index") indexPage();
    else reportPage();
  });
});
