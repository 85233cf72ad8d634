// 실행 이력: the runs table (filters in the URL), "지금 실행" per portal, and a quiet refresh
// every few seconds while a run is in progress.

import { ApiError, admin, get } from "../api.js";
import {
  PORTALS, RUN_STATUS, RUN_TRIGGER, errorBox, formatDateTime, formatDuration, formatNumber, h,
  loading, portalLabel, runStatusBadge, uid,
} from "../dom.js";

const PAGE_SIZE = 20;
const POLL_MS = 2000;

function selectField(label, name, options, allLabel) {
  const id = uid("runs");
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name },
      h("option", { value: "" }, allLabel),
      Object.entries(options).map(([value, text]) => h("option", { value }, text))),
  );
}

function runRow(run) {
  const num = (label, value) => h("td", { class: "num", "data-label": label }, formatNumber(value));
  return h(
    "tr",
    { dataset: { id: String(run.id), status: run.status, portal: run.portal_id } },
    h("td", { "data-label": "번호" }, `#${run.id}`),
    h("td", { "data-label": "포털" }, portalLabel(run.portal_id)),
    h("td", { "data-label": "실행 방식" }, RUN_TRIGGER[run.trigger] || run.trigger),
    h("td", { "data-label": "상태" }, runStatusBadge(run.status)),
    h("td", { "data-label": "시작" }, formatDateTime(run.started_at)),
    h("td", { "data-label": "소요 시간" }, run.status === "running" ? "진행 중" : formatDuration(run.duration_seconds)),
    num("가져옴", run.fetched),
    num("신규", run.new),
    num("갱신", run.updated),
    num("변경 없음", run.unchanged),
    num("거부", run.rejected),
    num("오류", run.errors),
    h("td", { "data-label": "오류 내용", class: "error-cell" }, run.error ? h("span", { class: "error-text" }, run.error) : "—"),
  );
}

function runsTable(page, toOffset) {
  if (!page.items.length) return h("p", { class: "empty" }, "조건에 맞는 실행 기록이 없습니다.");
  const columns = ["번호", "포털", "실행 방식", "상태", "시작", "소요 시간", "가져옴", "신규", "갱신", "변경 없음", "거부", "오류", "오류 내용"];
  const pages = Math.ceil(page.total / page.limit);
  return h(
    "div",
    {},
    h("div", { class: "table-wrap" },
      h("table", { class: "table table-cards runs-table" },
        h("caption", { class: "visually-hidden" }, "수집 실행 이력 (최신순)"),
        h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col" }, column)))),
        h("tbody", {}, page.items.map(runRow)))),
    pages > 1
      ? h("nav", { class: "pager", "aria-label": "페이지" },
        h("button", { type: "button", class: "button", disabled: page.offset === 0, onclick: () => toOffset(Math.max(0, page.offset - page.limit)) }, "이전"),
        h("span", { class: "pager-status" }, `${formatNumber(Math.floor(page.offset / page.limit) + 1)} / ${formatNumber(pages)} 쪽`),
        h("button", { type: "button", class: "button", disabled: page.offset + page.items.length >= page.total, onclick: () => toOffset(page.offset + page.limit) }, "다음"))
      : null,
  );
}

export async function renderRuns(view, { query: initialQuery, setQuery }) {
  let query = initialQuery;
  let timer = 0;
  let destroyed = false;
  const message = h("p", { class: "form-status", role: "status" });
  const alert = h("div", { role: "alert" });
  const actions = h("div", { class: "run-actions", role: "group", "aria-label": "지금 실행" });
  const filters = h("form", { class: "filters filters-inline", "aria-label": "실행 이력 필터" },
    selectField("포털", "portal_id", PORTALS, "전체 포털"),
    selectField("상태", "status", RUN_STATUS, "전체 상태"));
  const summary = h("p", { class: "result-summary", "aria-live": "polite" });
  const results = h("div", { class: "results" }, loading("실행 이력을 불러오는 중…"));
  view.append(
    h("h1", { tabindex: "-1" }, "실행 이력"),
    h("section", { class: "panel", "aria-labelledby": "run-now-title" },
      h("h2", { id: "run-now-title" }, "지금 실행"),
      h("p", { class: "hint" }, "포털 수집을 바로 시작합니다 (관리자 토큰 필요). 이미 실행 중이면 시작하지 않습니다."),
      actions, message, alert),
    filters,
    summary,
    results,
  );

  const startRun = async (portalId, button) => {
    message.textContent = "";
    alert.replaceChildren();
    button.disabled = true;
    try {
      const started = await admin("POST", `/api/v1/portals/${encodeURIComponent(portalId)}/runs`);
      message.textContent = `${portalLabel(portalId)} 수집을 시작했습니다 (실행 #${started.run_id}).`;
      await load({ quiet: true });
    } catch (error) {
      if (error instanceof ApiError && error.cancelled) {
        message.textContent = "토큰을 입력하지 않아 실행하지 않았습니다.";
      } else {
        alert.replaceChildren(h("p", { class: "alert alert-error" }, "실행하지 못했습니다: ", h("span", { class: "alert-message" }, error.message)));
      }
    } finally {
      button.disabled = false;
    }
  };

  const portalIds = Object.keys(PORTALS);
  actions.replaceChildren(...portalIds.map((portalId) => {
    const button = h("button", { type: "button", class: "button button-primary", dataset: { portal: portalId } }, `${portalLabel(portalId)} 지금 실행`);
    button.addEventListener("click", () => startRun(portalId, button));
    return button;
  }));

  filters.addEventListener("change", () => {
    const next = new URLSearchParams();
    for (const name of ["portal_id", "status"]) {
      if (filters.elements[name].value) next.set(name, filters.elements[name].value);
    }
    setQuery(next);
  });
  filters.addEventListener("submit", (event) => event.preventDefault());

  const toOffset = (offset) => {
    const next = new URLSearchParams(query);
    if (offset > 0) next.set("offset", String(offset));
    else next.delete("offset");
    setQuery(next);
  };

  let generation = 0;
  async function load({ quiet = false } = {}) {
    window.clearTimeout(timer);
    generation += 1;
    const mine = generation;
    for (const name of ["portal_id", "status"]) filters.elements[name].value = query.get(name) || "";
    const offset = Math.max(0, Number.parseInt(query.get("offset") || "0", 10) || 0);
    if (!quiet) results.replaceChildren(loading("실행 이력을 불러오는 중…"));
    try {
      const page = await get("/api/v1/runs", {
        portal_id: query.get("portal_id"), status: query.get("status"), limit: PAGE_SIZE, offset,
      });
      if (mine !== generation || destroyed) return;
      results.replaceChildren(runsTable(page, toOffset));
      summary.textContent = page.total ? `실행 ${formatNumber(page.total)}건` : "";
      if (page.items.some((run) => run.status === "running")) {
        timer = window.setTimeout(() => load({ quiet: true }), POLL_MS);
      }
    } catch (error) {
      if (mine !== generation || destroyed) return;
      summary.textContent = "";
      results.replaceChildren(errorBox(error, () => load()));
    }
  }

  await load();
  return {
    update(next) {
      query = next;
      load();
    },
    destroy() {
      destroyed = true;
      window.clearTimeout(timer);
    },
  };
}
