// The hash router: #/overview, #/programs[?filters], #/programs/123, #/config, #/runs[?filters],
// #/alerts.
// A view is render(container, context) → optional {update(query), destroy()}; a change of only
// the query string on the same view calls update() so forms keep their focus.

import { clearToken, onTokenChange } from "./api.js";
import { errorBox, h } from "./dom.js";
import { renderAlerts } from "./views/alerts.js";
import { renderConfig } from "./views/config.js";
import { renderDetail } from "./views/detail.js";
import { renderOverview } from "./views/overview.js";
import { renderPrograms } from "./views/programs.js";
import { renderRuns } from "./views/runs.js";

const ROUTES = [
  { pattern: /^\/overview$/, nav: "overview", title: "현황", render: renderOverview },
  { pattern: /^\/programs$/, nav: "programs", title: "지원사업", render: renderPrograms },
  { pattern: /^\/programs\/(\d+)$/, nav: "programs", title: "지원사업 상세", render: renderDetail },
  { pattern: /^\/config$/, nav: "config", title: "수집 설정", render: renderConfig },
  { pattern: /^\/runs$/, nav: "runs", title: "실행 이력", render: renderRuns },
  { pattern: /^\/alerts$/, nav: "alerts", title: "알림", render: renderAlerts },
];

const main = document.getElementById("main");
let current = null; // {route, path, handle}
let firstRender = true;

function parseHash() {
  const raw = window.location.hash.replace(/^#/, "") || "/overview";
  const at = raw.indexOf("?");
  const path = at < 0 ? raw : raw.slice(0, at);
  const query = new URLSearchParams(at < 0 ? "" : raw.slice(at + 1));
  return { path: path.startsWith("/") ? path : `/${path}`, query };
}

/** Replace the hash's query (keeps the path); an unchanged query does nothing. */
export function setQuery(query) {
  const { path } = parseHash();
  const text = query.toString();
  const hash = `#${path}${text ? `?${text}` : ""}`;
  if (hash !== window.location.hash) window.location.hash = hash;
}

function highlightNav(nav) {
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === nav) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function navigate() {
  const { path, query } = parseHash();
  if (path === "/" || path === "") {
    window.location.replace("#/overview");
    return;
  }
  const route = ROUTES.find((candidate) => candidate.pattern.test(path));
  if (current && route && current.path === path && current.handle && current.handle.update) {
    current.handle.update(query);
    return;
  }
  if (current && current.handle && current.handle.destroy) current.handle.destroy();
  current = null;

  const view = h("div", { class: "view" });
  main.replaceChildren(view);
  if (!route) {
    highlightNav(null);
    document.title = "찾을 수 없음 · Paperwork AI";
    view.append(
      h("h1", { tabindex: "-1" }, "페이지를 찾을 수 없습니다"),
      h("p", {}, h("a", { href: "#/overview" }, "현황으로 돌아가기")),
    );
    focusHeading(view);
    return;
  }
  highlightNav(route.nav);
  document.title = `${route.title} · Paperwork AI 관리자`;
  const params = path.match(route.pattern).slice(1);
  const entry = { route, path, handle: null };
  current = entry;
  // Views put their heading in place before their first await: focus moves there at once.
  const rendering = route.render(view, { params, query, setQuery });
  focusHeading(view);
  try {
    entry.handle = (await rendering) || null;
  } catch (error) {
    view.replaceChildren(h("h1", { tabindex: "-1" }, route.title), errorBox(error, navigate));
  }
  if (current !== entry && entry.handle && entry.handle.destroy) entry.handle.destroy(); // left while loading
}

function focusHeading(view) {
  // Move keyboard and screen-reader focus to the new view, except on the first load.
  if (firstRender) {
    firstRender = false;
    return;
  }
  const heading = view.querySelector("h1");
  if (heading) heading.focus({ preventScroll: false });
}

function setUpTokenBox() {
  const state = document.getElementById("token-state");
  const clear = document.getElementById("token-clear");
  onTokenChange((present) => {
    state.textContent = present ? "관리자 토큰 입력됨" : "읽기 전용 (토큰 없음)";
    clear.hidden = !present;
  });
  clear.addEventListener("click", () => clearToken());
}

window.addEventListener("hashchange", navigate);
setUpTokenBox();
navigate();
