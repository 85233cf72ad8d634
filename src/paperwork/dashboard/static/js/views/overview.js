// 현황: totals, a card per portal, and the 30-day chart.

import { adminIfSignedIn, apiUrl, get } from "../api.js";
import { renderDailyChart } from "../chart.js";
import {
  badge, errorBox, formatDateTime, formatNumber, h, loading, portalLabel, relativeTime,
  runStatusBadge,
} from "../dom.js";

const CHART_DAYS = 30;

async function settle(promises) {
  const results = await Promise.allSettled(promises);
  return results.map((result) => (result.status === "fulfilled" ? result.value : { error: result.reason }));
}

// /health answers 503 with a body when unhealthy; the degraded list is only a hint here, so
// an unreachable /health leaves it empty rather than failing the page.
async function degradedPortals() {
  try {
    const response = await fetch(apiUrl("/health"), { cache: "no-store" });
    const body = await response.json();
    return new Set(body?.checks?.scheduler?.degraded_portals || []);
  } catch {
    return new Set();
  }
}

function stat(label, value, note, kind) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", { class: kind ? `stat-${kind}` : null }, value, note ? h("small", {}, note) : null));
}

// Today's AI spend (Asia/Seoul) against the daily cap: the cap from /env-config, the spend from
// the admin-only usage report when a token was entered in this tab.
async function aiSpend() {
  const [config, usage] = await Promise.all([
    get("/env-config"),
    adminIfSignedIn("/api/v1/ai/usage", { days: 1 }).catch(() => null),
  ]);
  return { limit: config.gateway.dailyCostLimitUsd, spent: usage ? usage.today_spent_usd : null };
}

function usd(value) {
  return `$${value.toFixed(value > 0 && value < 0.01 ? 4 : 2)}`;
}

function aiStat(spend) {
  if (!spend || spend.error) return stat("오늘 AI 비용", "—");
  if (spend.spent === null) {
    return stat("오늘 AI 비용", `한도 ${usd(spend.limit)}`, "관리자 토큰을 입력하면 사용액이 보입니다", "compact");
  }
  const share = spend.limit > 0 ? Math.round((spend.spent / spend.limit) * 100) : 0;
  const kind = share >= 90 ? "compact stat-warn" : "compact";
  return stat("오늘 AI 비용", `${usd(spend.spent)} / ${usd(spend.limit)}`, `${share}%`, kind);
}

function totals(status, daily, spend) {
  return h(
    "dl",
    { class: "stats", "aria-label": "전체 합계" },
    stat("수집된 지원사업", formatNumber(status.total_scraped), "건"),
    stat("오늘 새로 수집", formatNumber(status.new_today), "건"),
    stat(`최근 ${CHART_DAYS}일 신규`, daily && !daily.error ? formatNumber(daily.total) : "—", "건"),
    stat("오늘 실패한 실행", formatNumber(status.errors), "회"),
    stat("다음 예약 실행", status.next_scheduled ? formatDateTime(status.next_scheduled) : "없음", null, "time"),
    stat("마지막 수집", status.last_scraping ? formatDateTime(status.last_scraping) : "없음", null, "time"),
    aiStat(spend),
  );
}

function row(label, ...value) {
  return h("div", { class: "card-row" }, h("dt", {}, label), h("dd", {}, ...value));
}

function portalCard(stat, config, lastRun, degraded) {
  const portalId = stat.portal_id;
  const enabled = config ? config.is_enabled : null;
  const headerBadges = [
    enabled === null ? badge("설정 없음", "muted") : enabled ? badge("사용", "ok") : badge("사용 안 함", "muted"),
    degraded ? badge("성능 저하", "error") : null,
  ];
  const lastRunCounts = lastRun
    ? `가져옴 ${formatNumber(lastRun.fetched)} · 신규 ${formatNumber(lastRun.new)} · 갱신 ${formatNumber(lastRun.updated)} · 거부 ${formatNumber(lastRun.rejected)} · 오류 ${formatNumber(lastRun.errors)}`
    : "";
  return h(
    "article",
    { class: `card portal-card${degraded ? " is-degraded" : ""}`, dataset: { portal: portalId }, "aria-labelledby": `card-${portalId}` },
    h("header", { class: "card-header" },
      h("h3", { id: `card-${portalId}` }, portalLabel(portalId)),
      h("div", { class: "card-badges" }, headerBadges)),
    h(
      "dl",
      { class: "card-body" },
      row("마지막 실행",
        lastRun ? runStatusBadge(lastRun.status) : runStatusBadge(stat.last_run_status),
        lastRun ? h("span", { class: "muted" }, ` ${formatDateTime(lastRun.started_at)} (${relativeTime(lastRun.started_at)})`) : null),
      lastRun ? row("실행 결과", h("span", { class: "counts" }, lastRunCounts)) : null,
      lastRun && lastRun.error ? row("오류", h("span", { class: "error-text" }, lastRun.error)) : null,
      row("다음 실행", stat.next_run_at ? `${formatDateTime(stat.next_run_at)} (${relativeTime(stat.next_run_at)})` : enabled === false ? "사용 안 함" : "예정 없음"),
      row("수집된 지원사업", h("strong", { class: "program-count" }, formatNumber(stat.count)), "건"),
      row("평균 품질", `${stat.avg_quality.toFixed(2)} / 10`),
      row("오늘 오류", h("span", { class: stat.errors_today ? "error-text" : "" }, `${formatNumber(stat.errors_today)}회`)),
      row("연속 실패", `${formatNumber(stat.consecutive_failures)}회`),
    ),
    h("footer", { class: "card-footer" },
      h("a", { href: `#/programs?portal_id=${encodeURIComponent(portalId)}` }, "지원사업 보기"),
      h("a", { href: `#/runs?portal_id=${encodeURIComponent(portalId)}` }, "실행 이력")),
  );
}

export async function renderOverview(view) {
  const heading = h("h1", { tabindex: "-1" }, "수집 현황");
  const summary = h("section", { "aria-label": "합계" }, loading());
  const cards = h("section", { class: "cards", "aria-label": "포털별 현황" });
  const chartBody = h("div", { class: "chart" }, loading("차트를 불러오는 중…"));
  const chart = h(
    "section",
    { class: "panel", "aria-labelledby": "chart-heading" },
    h("h2", { id: "chart-heading" }, `최근 ${CHART_DAYS}일 포털별 신규 지원사업`),
    h("p", { class: "hint" }, "처음 수집된 날(한국 시간) 기준입니다."),
    chartBody,
  );
  view.append(heading, summary, h("h2", { class: "section-title" }, "포털"), cards, chart);

  let cleanupChart = null;
  const load = async () => {
    const [status, configs, daily, degraded, spend] = await settle([
      get("/scraping-dashboard", { action: "scraping_status" }),
      get("/scraping-config"),
      get("/api/v1/stats/daily", { days: CHART_DAYS }),
      degradedPortals(),
      aiSpend(),
    ]);

    if (status.error) {
      summary.replaceChildren(errorBox(status.error, reload));
      cards.replaceChildren();
    } else {
      summary.replaceChildren(totals(status, daily, spend));
      const portalIds = status.portal_stats.map((entry) => entry.portal_id);
      const lastRuns = await settle(portalIds.map((portalId) => get("/api/v1/runs", { portal_id: portalId, limit: 1 })));
      const configById = configs.error ? {} : Object.fromEntries(configs.map((config) => [config.portal_id, config]));
      cards.replaceChildren(
        ...status.portal_stats.map((entry, index) => {
          const runs = lastRuns[index];
          const lastRun = runs.error ? null : runs.items[0] || null;
          return portalCard(entry, configById[entry.portal_id], lastRun, degraded.has(entry.portal_id));
        }),
      );
      if (configs.error) cards.append(errorBox(configs.error, reload));
    }

    if (cleanupChart) cleanupChart();
    cleanupChart = null;
    if (daily.error) chartBody.replaceChildren(errorBox(daily.error, reload));
    else cleanupChart = renderDailyChart(chartBody, daily);
  };
  const reload = () => {
    summary.replaceChildren(loading());
    load();
  };
  await load();
  return {
    destroy() {
      if (cleanupChart) cleanupChart();
    },
  };
}
