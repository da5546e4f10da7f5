// The review page (builders/contribute/review.py): rows from the embedded state, decisions, events
// added from a selection in the text, quote speakers, and saving (a rejection is saved at once, so
// it survives a reload). Text goes into the page through textContent only.
"use strict";
const state = JSON.parse(document.getElementById("state").textContent);
const tbody = document.getElementById("rows");
const quoteBody = document.getElementById("quotes");
const textBox = document.getElementById("text");
const statusBox = document.getElementById("status");
let added = 0;

function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  (children || []).forEach((c) => node.append(c));
  return node;
}

function list(id, values) {
  if (document.getElementById(id)) return;
  const dl = el("datalist", { id });
  values.forEach((v) => dl.append(el("option", { value: v })));
  document.body.append(dl);
}

function select(values, value, allowEmpty, onchange) {
  const s = el("select");
  if (allowEmpty) s.append(el("option", { value: "", textContent: "—" }));
  values.forEach((v) => s.append(el("option", { value: v, textContent: v, selected: v === value })));
  s.addEventListener("change", onchange);
  return s;
}

function input(row, field, listId, onchange) {
  const i = el("input", { value: row[field] || "", name: field });
  if (listId) i.setAttribute("list", listId);
  i.addEventListener("input", () => { row[field] = i.value || null; onchange(); });
  return i;
}

function render() {
  tbody.replaceChildren();
  state.rows.forEach((row) => tbody.append(rowView(row)));
  quoteBody.replaceChildren();
  state.quotes.forEach((quote) => quoteBody.append(quoteView(quote)));
}

function quoteView(quote) {
  const tr = el("tr", { className: quote.status });
  tr.dataset.key = quote.key;
  const shown = el("td", { textContent: quote.status === "correct" ? "curated" : "rule" });
  const corrected = () => { quote.status = "correct"; tr.className = "correct"; shown.textContent = "curated"; };
  tr.append(
    el("td", { textContent: quote.key }), el("td", { textContent: quote.text, className: "evidence" }),
    el("td", {}, [input(quote, "speaker", "actors", corrected)]), el("td", {}, [input(quote, "via", "actors", corrected)]),
    el("td", { textContent: quote.surface || "" }), shown,
  );
  return tr;
}

function rowView(row) {
  const tr = el("tr", { className: row.status });
  tr.dataset.key = row.key;
  const corrected = () => { if (row.status !== "new") row.status = "correct"; tr.className = row.status; tr.querySelector("select.decision").value = row.status; };
  const decision = select(["undecided", "accept", "reject", "correct", "new"].filter((d) => d !== "new" || row.status === "new"),
    row.status, false, () => { row.status = decision.value; tr.className = row.status; if (row.status === "reject") save(); });
  decision.className = "decision";
  const shown = row.date || row.shown_date || {};
  const date = row.date ? { ...row.date } : { start: null, end: null, precision: shown.precision || "day" };
  const dateInput = (field) => {
    const i = el("input", { type: "date", value: shown[field] || "", name: "date_" + field });
    i.addEventListener("input", () => { date[field] = i.value || null; row.date = date; corrected(); });
    return i;
  };
  const precision = select(state.precisions, shown.precision || "day", false, () => { date.precision = precision.value; row.date = date; corrected(); });
  const typeSel = select(state.types, row.event_type, false, () => { row.event_type = typeSel.value; corrected(); });
  typeSel.name = "event_type";
  const modality = select(state.modalities, row.modality, false, () => { row.modality = modality.value; corrected(); });
  modality.name = "modality";
  const weapon = select(state.weapons, row.weapon, true, () => { row.weapon = weapon.value || null; corrected(); });
  weapon.name = "weapon";
  const link = el("a", { href: "#", textContent: row.event_id || row.key + " (" + row.method + ")" });
  link.addEventListener("click", (ev) => { ev.preventDefault(); highlight(row.key); });
  tr.append(
    el("td", {}, [link]), el("td", {}, [decision]), el("td", {}, [typeSel]),
    el("td", {}, [input(row, "source", "actors", corrected)]), el("td", {}, [input(row, "target", "actors", corrected)]),
    el("td", {}, [weapon]), el("td", {}, [modality]),
    el("td", {}, [dateInput("start"), dateInput("end"), precision]),
    el("td", {}, [input(row, "summary", null, corrected)]), el("td", { textContent: row.evidence, className: "evidence" }),
  );
  return tr;
}

function highlight(key) {
  textBox.querySelectorAll(".sel").forEach((n) => n.classList.remove("sel"));
  textBox.querySelectorAll("span[data-rows]").forEach((n) => {
    if (n.dataset.rows.split(" ").includes(key)) n.classList.add("sel");
  });
}

function offsetIn(container, offset) {
  // code points from the start of the text to (container, offset): the text element holds only the article's text
  const range = document.createRange();
  range.setStart(textBox, 0);
  range.setEnd(container, offset);
  return Array.from(range.toString()).length;
}

function addFromSelection() {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed || !textBox.contains(sel.getRangeAt(0).commonAncestorContainer)) {
    statusBox.textContent = "select the event's evidence in the text first";
    return;
  }
  const r = sel.getRangeAt(0);
  const start = offsetIn(r.startContainer, r.startOffset);
  const end = offsetIn(r.endContainer, r.endOffset);
  const text = Array.from(textBox.textContent);
  added += 1;
  state.rows.push({ key: "n" + added, event_id: null, method: "new", status: "new", event_type: state.types[0], source: null,
    target: null, weapon: null, modality: "asserted", evidence: text.slice(start, end).join(""), start, end, summary: null, date: null });
  render();
  statusBox.textContent = "event added: choose its type and participants, then save";
}

let saving = Promise.resolve();

function save() {
  // one save after the other: a rejection saves at once, perhaps while another save is on its way
  saving = saving.then(send, send);
  return saving;
}

async function send() {
  statusBox.textContent = "saving…";
  delete statusBox.dataset.result;
  const response = await fetch("/save/" + encodeURIComponent(state.article_id), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rows: state.rows, quotes: state.quotes }),
  });
  const answer = await response.json();
  statusBox.textContent = response.ok ? "saved " + answer.saved + " — run build to publish the curated rows" : "not saved: " + answer.error;
  statusBox.dataset.result = response.ok ? "saved" : "error";
}

list("actors", state.actors);
document.getElementById("add").addEventListener("click", addFromSelection);
document.getElementById("save").addEventListener("click", save);
render();
