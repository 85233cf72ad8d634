// 지원사업: search and filters kept in the URL (#/programs?q=…), a sortable, paged table, and
// CSV / ICS exports of the same selection.

import { apiUrl, get } from "../api.js";
import {
  PORTALS, PROGRAM_STATUS, dDayBadge, errorBox, externalLink, formatDate, formatNumber, h, loading,
  portalLabel, uid,
} from "../dom.js";

const PAGE_SIZE = 20;
const FILTERS = ["q", "portal_id", "status", "category", "region", "deadline_from", "deadline_to"];
const SORTS = {
  "-scraped_at": "최근 수집순",
  deadline: "마감 임박순",
  title: "제목순",
  relevance: "관련도순 (검색어 필요)",
};
const SORTABLE_COLUMNS = { title: "title", deadline: "deadline", scraped: "-scraped_at" };

function field(label, control, hint) {
  const id = control.id || uid("f");
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hint || null);
}

function select(name, options, allLabel) {
  return h(
    "select",
    { name },
    h("option", { value: "" }, allLabel),
    Object.entries(options).map(([value, label]) => h("option", { value }, label)),
  );
}

function filterForm() {
  const form = h("form", { class: "filters", role: "search", "aria-label": "지원사업 검색", novalidate: true });
  const dateError = h("p", { class: "field-error", id: uid("err"), hidden: true });
  const from = h("input", { type: "date", name: "deadline_from" });
  const to = h("input", { type: "date", name: "deadline_to", "aria-describedby": dateError.id });
  form.append(
    h("div", { class: "filters-search" },
      field("검색어", h("input", { type: "search", name: "q", maxlength: "200", placeholder: "예: 창업, 수출 바우처", autocomplete: "off" })),
      h("button", { type: "submit", class: "button button-primary" }, "검색")),
    h("div", { class: "filters-grid" },
      field("포털", select("portal_id", PORTALS, "전체 포털")),
      field("상태", select("status", PROGRAM_STATUS, "전체 상태")),
      field("분야", h("input", { type: "text", name: "category", maxlength: "100", placeholder: "예: 기술" })),
      field("지역", h("input", { type: "text", name: "region", maxlength: "100", placeholder: "예: 경기" })),
      field("마감일 (부터)", from),
      field("마감일 (까지)", to),
      field("정렬", h("select", { name: "sort" }, Object.entries(SORTS).map(([value, label]) => h("option", { value }, label))))),
    dateError,
    h("div", { class: "filters-actions" },
      h("button", { type: "reset", class: "button" }, "조건 초기화")),
  );
  return { form, dateError };
}

function readForm(form) {
  const query = new URLSearchParams();
  for (const name of [...FILTERS, "sort"]) {
    const value = (form.elements[name].value || "").trim();
    if (value && !(name === "sort" && value === "-scraped_at")) query.set(name, value);
  }
  return query;
}

function fillForm(form, query) {
  for (const name of [...FILTERS, "sort"]) {
    form.elements[name].value = query.get(name) || (name === "sort" ? "-scraped_at" : "");
  }
}

function apiParams(query) {
  const params = {};
  for (const name of [...FILTERS, "sort"]) {
    if (query.get(name)) params[name] = query.get(name);
  }
  return params;
}

function period(program) {
  if (program.apply_start || program.apply_end) {
    return `${formatDate(program.apply_start)} ~ ${formatDate(program.apply_end)}`;
  }
  return program.period || "—";
}

function sortHeader(label, column, query, onSort) {
  const sortValue = SORTABLE_COLUMNS[column];
  const current = query.get("sort") || "-scraped_at";
  const active = current === sortValue;
  const direction = sortValue.startsWith("-") ? "descending" : "ascending";
  return h(
    "th",
    { scope: "col", "aria-sort": active ? direction : null },
    h("button", { type: "button", class: `sort-button${active ? " is-active" : ""}`, onclick: () => onSort(sortValue) },
      label, h("span", { "aria-hidden": "true", class: "sort-mark" }, active ? (direction === "ascending" ? " ▲" : " ▼") : " ↕"),
      h("span", { class: "visually-hidden" }, active ? " (정렬됨)" : " (정렬하기)")),
  );
}

function programRow(program) {
  return h(
    "tr",
    { dataset: { id: String(program.id) } },
    h("td", { "data-label": "포털", class: "nowrap" }, portalLabel(program.portal_id)),
    h("td", { "data-label": "제목", class: "cell-title" },
      h("a", { href: `#/programs/${program.id}`, class: "program-link" }, program.title)),
    h("td", { "data-label": "기관" }, program.agency || "—"),
    h("td", { "data-label": "분야" }, program.category || "—"),
    h("td", { "data-label": "지역" }, program.region || "—"),
    h("td", { "data-label": "신청기간" }, period(program)),
    h("td", { "data-label": "마감", class: "nowrap" }, dDayBadge(program)),
    h("td", { "data-label": "원문", class: "nowrap" }, externalLink(program.url, "원문")),
  );
}

export async function renderPrograms(view, { query: initialQuery, setQuery }) {
  let query = initialQuery;
  const { form, dateError } = filterForm();
  const csv = h("a", { class: "button button-small", download: "programs.csv" }, "CSV 내려받기");
  const ics = h("a", { class: "button button-small", download: "programs.ics" }, "캘린더(ICS) 내려받기");
  const summary = h("p", { class: "result-summary", "aria-live": "polite" });
  const results = h("div", { class: "results" });
  view.append(
    h("h1", { tabindex: "-1" }, "지원사업"),
    form,
    h("div", { class: "toolbar" }, summary, h("div", { class: "exports", role: "group", "aria-label": "현재 조건 내보내기" }, csv, ics)),
    results,
  );

  const go = (next) => setQuery(next);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = readForm(form);
    const from = next.get("deadline_from");
    const to = next.get("deadline_to");
    if (from && to && from > to) {
      dateError.textContent = "마감일 범위가 잘못되었습니다: 시작일이 종료일보다 늦습니다.";
      dateError.hidden = false;
      form.elements.deadline_to.setAttribute("aria-invalid", "true");
      form.elements.deadline_to.focus();
      return;
    }
    dateError.hidden = true;
    form.elements.deadline_to.removeAttribute("aria-invalid");
    go(next);
  });
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    fillForm(form, new URLSearchParams());
    go(new URLSearchParams());
  });

  const onSort = (sort) => {
    const next = new URLSearchParams(query);
    next.delete("offset");
    if (sort === "-scraped_at") next.delete("sort");
    else next.set("sort", sort);
    go(next);
  };
  const toOffset = (offset) => {
    const next = new URLSearchParams(query);
    if (offset > 0) next.set("offset", String(offset));
    else next.delete("offset");
    go(next);
  };

  let generation = 0;
  const load = async () => {
    generation += 1;
    const mine = generation;
    fillForm(form, query);
    const params = apiParams(query);
    csv.href = apiUrl("/api/v1/programs.csv", params);
    const { sort: _unused, ...icsParams } = params;
    ics.href = apiUrl("/api/v1/programs.ics", icsParams);
    const offset = Math.max(0, Number.parseInt(query.get("offset") || "0", 10) || 0);
    results.replaceChildren(loading("지원사업을 불러오는 중…"));
    results.setAttribute("aria-busy", "true");
    summary.textContent = "";
    try {
      const page = await get("/api/v1/programs", { ...params, limit: PAGE_SIZE, offset });
      if (mine !== generation) return;
      results.replaceChildren(table(page, query, onSort, toOffset));
      summary.textContent = page.total
        ? `전체 ${formatNumber(page.total)}건 중 ${formatNumber(page.offset + 1)}–${formatNumber(page.offset + page.items.length)}`
        : "조건에 맞는 지원사업이 없습니다.";
    } catch (error) {
      if (mine !== generation) return;
      results.replaceChildren(errorBox(error, load));
      summary.textContent = "";
    } finally {
      if (mine === generation) results.removeAttribute("aria-busy");
    }
  };
  await load();
  return {
    update(next) {
      query = next;
      load();
    },
  };
}

function table(page, query, onSort, toOffset) {
  if (!page.items.length) {
    return h("p", { class: "empty" }, "조건에 맞는 지원사업이 없습니다. 검색어나 필터를 바꿔 보세요.");
  }
  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, "포털"),
    sortHeader("제목", "title", query, onSort),
    h("th", { scope: "col" }, "기관"),
    h("th", { scope: "col" }, "분야"),
    h("th", { scope: "col" }, "지역"),
    h("th", { scope: "col" }, "신청기간"),
    sortHeader("마감", "deadline", query, onSort),
    h("th", { scope: "col" }, "원문"),
  );
  const pages = Math.ceil(page.total / page.limit);
  const current = Math.floor(page.offset / page.limit) + 1;
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "페이지" },
    h("button", { type: "button", class: "button", disabled: page.offset === 0, onclick: () => toOffset(Math.max(0, page.offset - page.limit)) }, "이전"),
    h("span", { class: "pager-status" }, `${formatNumber(current)} / ${formatNumber(pages)} 쪽`),
    h("button", { type: "button", class: "button", disabled: page.offset + page.items.length >= page.total, onclick: () => toOffset(page.offset + page.limit) }, "다음"),
  );
  return h(
    "div",
    {},
    h("div", { class: "table-wrap" },
      h("table", { class: "table table-cards programs-table" },
        h("caption", { class: "visually-hidden" }, "지원사업 목록 (제목과 마감 열로 정렬)"),
        h("thead", {}, head),
        h("tbody", {}, page.items.map(programRow)))),
    pages > 1 ? pager : null,
  );
}
