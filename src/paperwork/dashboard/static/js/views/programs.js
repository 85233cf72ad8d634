// 지원사업: search and filters kept in the URL (#/programs?q=…), a sortable, paged table with
// the search's highlights, counts per portal, status, region and category beside it (a click
// sets that filter), and CSV / ICS exports of the same selection.

import { apiUrl, get } from "../api.js";
import {
  PORTALS, PROGRAM_STATUS, dDayBadge, errorBox, externalLink, formatDate, formatNumber, h, loading,
  portalLabel, serverMarkup, uid,
} from "../dom.js";

const PAGE_SIZE = 20;
const FILTERS = ["q", "portal_id", "status", "category", "region", "deadline_from", "deadline_to"];
// The sort select's "" is the API's own default, never sent: relevance with a search, newest
// first without one. A sort is sent only when the operator picked it.
const SORTS = [["-scraped_at", "최근 수집순"], ["deadline", "마감 임박순"], ["title", "제목순"]];
const SORTABLE_COLUMNS = { title: "title", deadline: "deadline", scraped: "-scraped_at" };
const FACETS = [
  ["portal_id", "포털", portalLabel],
  ["status", "상태", (value) => PROGRAM_STATUS[value] || value],
  ["region", "지역", String],
  ["category", "분야", String],
];
const FACET_TOP = 8;

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
      field("정렬", h("select", { name: "sort" }))),
    dateError,
    h("div", { class: "filters-actions" },
      h("button", { type: "reset", class: "button" }, "조건 초기화")),
  );
  return { form, dateError };
}

/** The sort the list is in: the one asked for, else the API's default for this query. */
function sortOf(query) {
  const sort = query.get("sort");
  if (!query.get("q")) return sort && sort !== "relevance" ? sort : "-scraped_at";
  return sort || "relevance";
}

/** The sort options for a search (관련도순 first) or a plain list; keeps the choice if it can. */
function setSortOptions(select, searching) {
  const chosen = select.value;
  const options = searching ? [["", "관련도순"], ...SORTS] : [["", SORTS[0][1]], ...SORTS.slice(1)];
  select.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
  select.value = options.some(([value]) => value === chosen) ? chosen : "";
}

function readForm(form) {
  const query = new URLSearchParams();
  for (const name of [...FILTERS, "sort"]) {
    const value = (form.elements[name].value || "").trim();
    if (value) query.set(name, value);
  }
  return query;
}

function fillForm(form, query) {
  for (const name of FILTERS) form.elements[name].value = query.get(name) || "";
  const searching = Boolean(query.get("q"));
  const sort = sortOf(query);
  const select = form.elements.sort;
  setSortOptions(select, searching);
  select.value = sort === (searching ? "relevance" : "-scraped_at") ? "" : sort;
}

function apiParams(query) {
  const params = {};
  for (const name of FILTERS) {
    if (query.get(name)) params[name] = query.get(name);
  }
  const sort = query.get("sort");
  if (sort && (query.get("q") || sort !== "relevance")) params.sort = sort; // relevance needs q
  return params;
}

function period(program) {
  if (program.apply_start || program.apply_end) {
    // Each date whole (the table is narrower beside the facets): lines break only after "~".
    return h("span", {}, h("span", { class: "nowrap" }, `${formatDate(program.apply_start)} ~`), " ",
      h("span", { class: "nowrap" }, formatDate(program.apply_end)));
  }
  return program.period || "—";
}

function sortHeader(label, column, query, onSort) {
  const sortValue = SORTABLE_COLUMNS[column];
  const current = sortOf(query);
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

function titleCell(program) {
  const href = `#/programs/${program.id}`;
  const marks = program.highlights;
  if (!marks) return h("a", { href, class: "program-link" }, program.title);
  // Search highlights only: escaped by the server, <mark> tags its only markup (see serverMarkup).
  return h("div", { class: "title-block" },
    serverMarkup("a", { href, class: "program-link" }, marks.title),
    marks.description ? serverMarkup("p", { class: "snippet" }, marks.description) : null);
}

function programRow(program) {
  return h(
    "tr",
    { dataset: { id: String(program.id) } },
    h("td", { "data-label": "포털", class: "nowrap" }, portalLabel(program.portal_id)),
    h("td", { "data-label": "제목", class: "cell-title" }, titleCell(program)),
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
  const facets = h("aside", { class: "facets", "aria-label": "분류별 건수", hidden: true });
  view.append(
    h("h1", { tabindex: "-1" }, "지원사업"),
    form,
    h("div", { class: "toolbar" }, summary, h("div", { class: "exports", role: "group", "aria-label": "현재 조건 내보내기" }, csv, ics)),
    h("div", { class: "programs-layout" }, facets, results),
  );
  form.elements.q.addEventListener("input", () => setSortOptions(form.elements.sort, Boolean(form.elements.q.value.trim())));

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
    if (sort === "-scraped_at" && !next.get("q")) next.delete("sort");
    else next.set("sort", sort);
    go(next);
  };
  const toFacet = (name, value) => {
    const next = new URLSearchParams(query);
    next.delete("offset");
    if (query.get(name) === value) next.delete(name); // the selected value again: clear it
    else next.set(name, value);
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
      const page = await get("/api/v1/programs", {
        ...params, limit: PAGE_SIZE, offset, facets: FACETS.map(([name]) => name).join(","),
      });
      if (mine !== generation) return;
      results.replaceChildren(table(page, query, onSort, toOffset));
      facetPanel(facets, page.facets, query, toFacet);
      summary.textContent = page.total
        ? `전체 ${totalText(page)}건 중 ${formatNumber(page.offset + 1)}–${formatNumber(page.offset + page.items.length)}`
        : "조건에 맞는 지원사업이 없습니다.";
    } catch (error) {
      if (mine !== generation) return;
      results.replaceChildren(errorBox(error, load));
      facets.hidden = true;
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

/** "1,234" or, past the API's exact count, "10,000+". */
function totalText(page) {
  return `${formatNumber(page.total)}${page.total_relation === "gte" ? "+" : ""}`;
}

/** Each facet's top values with their counts; the filter's current value is pressed. */
function facetPanel(panel, counts, query, toFacet) {
  const groups = FACETS.filter(([name]) => counts && counts[name] && counts[name].length).map(([name, title, label]) => {
    const active = query.get(name);
    const values = counts[name].slice(0, FACET_TOP);
    const chosen = counts[name].find((entry) => entry.value === active);
    if (chosen && !values.includes(chosen)) values.push(chosen);
    // The heading names the list; no label on it, so "상태" still labels only the form's select.
    return h("section", { class: "facet", dataset: { facet: name } },
      h("h2", { class: "facet-title" }, title),
      h("ul", { class: "facet-values" }, values.map(({ value, count }) => h("li", {},
        h("button", {
          type: "button", class: "facet-value", "aria-pressed": String(value === active),
          title: value === active ? "다시 누르면 해제" : null, dataset: { value },
          onclick: () => toFacet(name, value),
        },
        h("span", { class: "facet-label" }, label(value)),
        h("span", { class: "facet-count" }, formatNumber(count), h("span", { class: "visually-hidden" }, "건")))))));
  });
  panel.replaceChildren(...groups);
  panel.hidden = groups.length === 0;
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
  const more = page.total_relation === "gte"; // total is a lower bound: page on while there is a next
  const pages = Math.ceil(page.total / page.limit);
  const current = Math.floor(page.offset / page.limit) + 1;
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "페이지" },
    h("button", { type: "button", class: "button", disabled: page.offset === 0, onclick: () => toOffset(Math.max(0, page.offset - page.limit)) }, "이전"),
    h("span", { class: "pager-status" }, `${formatNumber(current)} / ${formatNumber(pages)}${more ? "+" : ""} 쪽`),
    h("button", {
      type: "button", class: "button", onclick: () => toOffset(page.offset + page.limit),
      disabled: more ? !page.next_cursor : page.offset + page.items.length >= page.total,
    }, "다음"),
  );
  return h(
    "div",
    {},
    h("div", { class: "table-wrap" },
      h("table", { class: "table table-cards programs-table" },
        h("caption", { class: "visually-hidden" }, "지원사업 목록 (제목과 마감 열로 정렬)"),
        h("thead", {}, head),
        h("tbody", {}, page.items.map(programRow)))),
    pages > 1 || more ? pager : null,
  );
}
